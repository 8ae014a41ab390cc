package io.berth.security;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived signed URLs to a blob, as ECR's GetDownloadUrlForLayer hands out: the path, the user it was issued
 * to and an expiry, signed with HMAC-SHA256 under a key derived from the server key. The URL works without other
 * credentials until it expires, and only while its user is enabled; it grants a GET of that one path.
 */
@ApplicationScoped
public class DownloadUrls {

    public static final Duration LIFETIME = Duration.ofMinutes(10);
    static final String USER = "X-Berth-User";
    static final String EXPIRES = "X-Berth-Expires";
    static final String SIGNATURE = "X-Berth-Signature";

    @Inject
    SecretBox secrets;

    @Inject
    Identities identities;

    private byte[] key;

    @PostConstruct
    void deriveKey() {
        key = secrets.derive("download-urls");
    }

    /** The query string that makes {@code path} downloadable by this caller until the lifetime runs out. */
    public String sign(Caller caller, String path) {
        long expires = System.currentTimeMillis() / 1000 + LIFETIME.toSeconds();
        return USER + "=" + caller.userId() + "&" + EXPIRES + "=" + expires + "&" + SIGNATURE + "="
                + mac(path, caller.userId(), expires);
    }

    /** The user a signed GET of {@code path} stands for, if the query's signature holds and has not expired. */
    Optional<User> verify(String path, String query) {
        if (query == null) {
            return Optional.empty();
        }
        String user = null;
        String expires = null;
        String signature = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            switch (name) {
                case USER -> user = value;
                case EXPIRES -> expires = value;
                case SIGNATURE -> signature = value;
                default -> {
                    // other parameters are not part of the signature
                }
            }
        }
        try {
            long userId = Long.parseLong(user);
            long expiresAt = Long.parseLong(expires);
            boolean valid = signature != null && MessageDigest.isEqual(
                    mac(path, userId, expiresAt).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII));
            if (!valid || expiresAt < System.currentTimeMillis() / 1000) {
                return Optional.empty();
            }
            return identities.user(userId).filter(User::enabled);
        } catch (NumberFormatException | NullPointerException malformed) {
            return Optional.empty();
        }
    }

    static boolean isSigned(String query) {
        return query != null && query.contains(SIGNATURE + "=");
    }

    private String mac(String path, long userId, long expires) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(hmac.doFinal((path + "\n" + userId + "\n" + expires)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
