package io.berth.registry;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * Signs a Docker schema 1 manifest the way libtrust does ({@code NewJSONSignature}, {@code Sign},
 * {@code PrettySignature}), written for the tests from the format's description, independently of the registry's
 * verifier: the payload up to its last member is kept, the signatures are appended as the last member.
 */
public final class JwsSigner {

    private JwsSigner() {
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** libtrust's split: the payload up to the last non-blank character before its closing brace. */
    static int formatLength(String payload) {
        int close = payload.stripTrailing().length() - 1;
        return payload.substring(0, close).stripTrailing().length();
    }

    public static String sign(String payload, KeyPair key, String alg) throws Exception {
        int length = formatLength(payload);
        return signWithFormat(payload, key, alg, length, payload.substring(length));
    }

    /** Signs with the given formatLength and formatTail, true or not. */
    public static String signWithFormat(String payload, KeyPair key, String alg, int formatLength, String formatTail)
            throws Exception {
        String signature = signature(payload, key, alg, formatLength, formatTail);
        int length = formatLength(payload);
        return payload.substring(0, length) + ",\"signatures\":[" + signature + "]}";
    }

    /** Adds one more signature of the same payload to a signed manifest. */
    public static String addSignature(String signed, String payload, KeyPair key, String alg) throws Exception {
        int length = formatLength(payload);
        String signature = signature(payload, key, alg, length, payload.substring(length));
        return signed.substring(0, signed.lastIndexOf("]}")) + "," + signature + "]}";
    }

    private static String signature(String payload, KeyPair key, String alg, int formatLength, String formatTail)
            throws Exception {
        String protectedHeader = b64(("{\"formatLength\":" + formatLength + ",\"formatTail\":\""
                + b64(formatTail.getBytes(StandardCharsets.UTF_8)) + "\",\"time\":\"2026-12-03T00:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8));
        String signingInput = protectedHeader + "." + b64(payload.getBytes(StandardCharsets.UTF_8));
        String jca = switch (alg) {
            case "ES256" -> "SHA256withECDSAinP1363Format";
            case "ES384" -> "SHA384withECDSAinP1363Format";
            case "ES512" -> "SHA512withECDSAinP1363Format";
            case "RS256" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException(alg);
        };
        Signature signer = Signature.getInstance(jca);
        signer.initSign(key.getPrivate());
        signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        String jwk;
        if (key.getPublic() instanceof ECPublicKey ec) {
            int octets = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            String crv = switch (octets) {
                case 32 -> "P-256";
                case 48 -> "P-384";
                default -> "P-521";
            };
            jwk = "{\"crv\":\"" + crv + "\",\"kty\":\"EC\",\"x\":\"" + b64(padded(ec.getW().getAffineX(), octets))
                    + "\",\"y\":\"" + b64(padded(ec.getW().getAffineY(), octets)) + "\"}";
        } else {
            RSAPublicKey rsa = (RSAPublicKey) key.getPublic();
            jwk = "{\"e\":\"" + b64(minimal(rsa.getPublicExponent())) + "\",\"kty\":\"RSA\",\"n\":\""
                    + b64(minimal(rsa.getModulus())) + "\"}";
        }
        return "{\"header\":{\"jwk\":" + jwk + ",\"alg\":\"" + alg + "\"},\"signature\":\"" + b64(signer.sign())
                + "\",\"protected\":\"" + protectedHeader + "\"}";
    }

    private static byte[] padded(BigInteger value, int octets) {
        byte[] minimal = minimal(value);
        byte[] result = new byte[octets];
        System.arraycopy(minimal, 0, result, octets - minimal.length, minimal.length);
        return result;
    }

    private static byte[] minimal(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }
}
