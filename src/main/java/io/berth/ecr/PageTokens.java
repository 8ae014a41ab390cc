package io.berth.ecr;

import io.berth.security.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * {@code nextToken}s: where a listing stopped, sealed with the server key (AES-GCM), so that a token is opaque,
 * cannot be altered, and is only accepted by the operation and account it came from.
 */
@ApplicationScoped
public class PageTokens {

    @Inject
    SecretBox secrets;

    public String write(String operation, String scope, String position) {
        return secrets.encrypt(operation + "\n" + scope + "\n" + position);
    }

    /** A token for an offset into a listing. */
    public String write(String operation, String scope, int offset) {
        return write(operation, scope, Integer.toString(offset));
    }

    /** The offset a token from {@link #write(String, String, int)} holds; 0 for no token. */
    public int readOffset(String token, String operation, String scope) {
        String position = read(token, operation, scope);
        return position == null ? 0 : Integer.parseInt(position);
    }

    /** The position a token holds, null for no token; InvalidParameterException for anything not ours. */
    public String read(String token, String operation, String scope) {
        if (token == null) {
            return null;
        }
        String plain;
        try {
            plain = secrets.decrypt(token);
        } catch (RuntimeException notOurs) {
            throw invalid();
        }
        String prefix = operation + "\n" + scope + "\n";
        if (!plain.startsWith(prefix)) {
            throw invalid();
        }
        return plain.substring(prefix.length());
    }

    private static EcrException invalid() {
        return new EcrException("InvalidParameterException", "Invalid parameter at 'nextToken' failed to satisfy "
                + "constraint: 'the token is not one this operation issued'");
    }
}
