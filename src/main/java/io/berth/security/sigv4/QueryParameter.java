package io.berth.security.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One parameter of a raw query string: its decoded name and value (UTF-8), and both re-encoded the RFC 3986 way for
 * the canonical query. A parameter without '=' has an empty value.
 */
record QueryParameter(String name, String value, String encodedName, String encodedValue) {

    static final String ALGORITHM = "X-Amz-Algorithm";
    static final String CREDENTIAL = "X-Amz-Credential";
    static final String DATE = "X-Amz-Date";
    static final String EXPIRES = "X-Amz-Expires";
    static final String SIGNED_HEADERS = "X-Amz-SignedHeaders";
    static final String SIGNATURE = "X-Amz-Signature";
    static final Set<String> SIGNING_PARAMETERS =
            Set.of(ALGORITHM, CREDENTIAL, DATE, EXPIRES, SIGNED_HEADERS, SIGNATURE);

    static QueryParameter of(String name, String value) {
        return new QueryParameter(name, value, Canonical.encode(name), Canonical.encode(value));
    }

    static List<QueryParameter> parse(String rawQuery) {
        List<QueryParameter> parameters = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            byte[] name = Canonical.decode(equals < 0 ? pair : pair.substring(0, equals));
            byte[] value = Canonical.decode(equals < 0 ? "" : pair.substring(equals + 1));
            parameters.add(new QueryParameter(new String(name, StandardCharsets.UTF_8),
                    new String(value, StandardCharsets.UTF_8), Canonical.encode(name), Canonical.encode(value)));
        }
        return parameters;
    }

    /**
     * The value of the one parameter with this exact name; null when absent. A repeated parameter is refused, so a
     * second copy cannot change what was signed.
     */
    static String single(List<QueryParameter> parameters, String name) {
        String found = null;
        for (QueryParameter parameter : parameters) {
            if (parameter.name.equals(name)) {
                if (found != null) {
                    throw SigV4Exception.incomplete("Query parameter " + name + " must appear only once.");
                }
                found = parameter.value;
            }
        }
        return found;
    }
}
