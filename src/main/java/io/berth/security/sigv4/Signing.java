package io.berth.security.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SigV4's hashing and HMAC steps: payload hash, string to sign, signing key and signature. */
final class Signing {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    /** The ISO 8601 basic format of X-Amz-Date, in UTC. */
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC).withResolverStyle(ResolverStyle.STRICT);

    private static final HexFormat HEX = HexFormat.of();

    private Signing() {
    }

    static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String stringToSign(String amzDate, CredentialScope scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope.scope() + "\n"
                + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** The lower-case hex signature of {@code stringToSign} with the key derived from the secret for this scope. */
    static String signature(String secret, CredentialScope scope, String stringToSign) {
        byte[] key = signingKey(secret, scope.date(), scope.region(), scope.service());
        try {
            return new String(sign(key, stringToSign), StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The signature with a derived signing key, as the ASCII bytes of its lower-case hex. */
    static byte[] sign(byte[] signingKey, String stringToSign) {
        return HEX.formatHex(hmac(signingKey, stringToSign)).getBytes(StandardCharsets.US_ASCII);
    }

    /** HMAC chain "AWS4" + secret → date → region → service → "aws4_request". */
    static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] key = ("AWS4" + secret).getBytes(StandardCharsets.UTF_8);
        for (String step : new String[] {date, region, service, CredentialScope.TERMINATOR}) {
            byte[] next = hmac(key, step);
            Arrays.fill(key, (byte) 0);
            key = next;
        }
        return key;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
