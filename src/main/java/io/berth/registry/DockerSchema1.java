package io.berth.registry;

import static io.berth.platform.Jsonp.JSON;

import io.berth.storage.Digest;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Docker image manifest v2 schema 1, what Docker 1.9 and older push: read, its signatures verified, and the bytes its
 * digest is taken over found. A signed manifest ({@code …v1+prettyjws}) carries JWS signatures in libtrust's
 * "pretty" form: the signed payload is the manifest without its {@code signatures} member, rebuilt from the first
 * {@code formatLength} bytes and the {@code formatTail} of each signature's protected header, and the manifest's
 * digest is that payload's (Docker's schema 1 spec; Distribution's {@code schema1.SignedManifest}). The manifest
 * itself is stored and served byte for byte.
 */
final class DockerSchema1 {

    /** The media type schema 1 layers have when a descriptor must name one (Distribution's constant). */
    static final String LAYER = "application/vnd.docker.container.image.rootfs.diff+x-gtar";

    /** More signatures than any signer writes (Docker and skopeo write one). */
    static final int MAX_SIGNATURES = 16;

    /** JWS algorithm → the JCA signature that checks it; ECDSA signatures are R || S, as JWS writes them. */
    private static final Map<String, String> ALGORITHMS = Map.of(
            "ES256", "SHA256withECDSAinP1363Format", "ES384", "SHA384withECDSAinP1363Format",
            "ES512", "SHA512withECDSAinP1363Format",
            "RS256", "SHA256withRSA", "RS384", "SHA384withRSA", "RS512", "SHA512withRSA");
    /** JWK curve name → the JCA name and the JWS algorithm that goes with it (libtrust ties them together). */
    private static final Map<String, String[]> CURVES = Map.of(
            "P-256", new String[] {"secp256r1", "ES256"}, "P-384", new String[] {"secp384r1", "ES384"},
            "P-521", new String[] {"secp521r1", "ES512"});

    private DockerSchema1() {
    }

    /** True when a manifest is schema 1: its request says so, or it says nothing and reads schemaVersion 1. */
    static boolean isSchema1(JsonObject json, String requestedType) {
        if (MediaTypes.DOCKER_SCHEMA1.equals(requestedType) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(requestedType)) {
            return true;
        }
        return requestedType == null && json.get("schemaVersion") instanceof JsonNumber version
                && version.isIntegral() && version.intValue() == 1;
    }

    /**
     * @param requestedType the request's media type without parameters, or null when it names none
     */
    static ParsedManifest parse(byte[] content, JsonObject json, String requestedType) {
        boolean signed = json.containsKey("signatures");
        if (!signed && MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(requestedType)) {
            throw unverified("a signed schema 1 manifest (" + requestedType + ") needs its signatures");
        }
        byte[] payload = signed ? verifiedPayload(content, json.get("signatures")) : content;
        JsonObject manifest = json;
        if (signed) {
            manifest = ManifestParser.readObject(payload);
            JsonObjectBuilder withoutSignatures = JSON.createObjectBuilder(json).remove("signatures");
            if (!manifest.equals(withoutSignatures.build())) {
                throw invalid("the signed payload and the manifest around the signatures differ");
            }
        }
        if (!(manifest.get("schemaVersion") instanceof JsonNumber version) || !version.isIntegral()
                || version.intValue() != 1) {
            throw invalid("schemaVersion must be 1 for a schema 1 manifest");
        }
        requireString(manifest, "name", true);
        requireString(manifest, "tag", false);
        requireString(manifest, "architecture", false);
        JsonArray fsLayers = array(manifest, "fsLayers");
        JsonArray history = array(manifest, "history");
        if (fsLayers.isEmpty()) {
            throw invalid("fsLayers is empty: an image has at least one layer");
        }
        if (fsLayers.size() != history.size()) {
            throw invalid("fsLayers has " + fsLayers.size() + " entries and history " + history.size()
                    + ": they must correspond one to one");
        }
        List<Descriptor> layers = new ArrayList<>(fsLayers.size());
        for (int i = 0; i < fsLayers.size(); i++) {
            if (!(fsLayers.get(i) instanceof JsonObject layer) || !(layer.get("blobSum") instanceof JsonString sum)) {
                throw invalid("fsLayers[" + i + "].blobSum is required");
            }
            try {
                // The size is the stored blob's; -1 until the registry looks it up.
                layers.add(new Descriptor(LAYER, Digest.parse(sum.getString()), -1, null));
            } catch (IllegalArgumentException e) {
                throw invalid("fsLayers[" + i + "].blobSum is not a valid digest");
            }
            if (!(history.get(i) instanceof JsonObject entry)
                    || !(entry.get("v1Compatibility") instanceof JsonString compatibility)) {
                throw invalid("history[" + i + "].v1Compatibility is required");
            }
            try {
                ManifestParser.readObject(compatibility.getString().getBytes(StandardCharsets.UTF_8));
            } catch (RegistryException e) {
                throw invalid("history[" + i + "].v1Compatibility is not a JSON object");
            }
        }
        return new ParsedManifest(signed ? MediaTypes.DOCKER_SCHEMA1_SIGNED : MediaTypes.DOCKER_SCHEMA1, null,
                layers, List.of(), null, null, null, payload);
    }

    /**
     * The payload every signature signs, once every one of them is verified: {@code content[0, formatLength)} and
     * {@code formatTail}, which all signatures must agree on.
     */
    private static byte[] verifiedPayload(byte[] content, JsonValue value) {
        if (!(value instanceof JsonArray signatures) || signatures.isEmpty()) {
            throw unverified("signatures must be a non-empty array");
        }
        if (signatures.size() > MAX_SIGNATURES) {
            // Each costs a public-key operation; a push must not buy minutes of CPU with one manifest.
            throw unverified("at most " + MAX_SIGNATURES + " signatures");
        }
        record Jws(String protectedHeader, JsonObject header, byte[] signature) {
        }
        List<Jws> all = new ArrayList<>();
        Integer formatLength = null;
        byte[] formatTail = null;
        for (int i = 0; i < signatures.size(); i++) {
            String where = "signatures[" + i + "]";
            if (!(signatures.get(i) instanceof JsonObject signature)
                    || !(signature.get("protected") instanceof JsonString protectedHeader)
                    || !(signature.get("signature") instanceof JsonString signed)
                    || !(signature.get("header") instanceof JsonObject header)) {
                throw unverified(where + " needs protected, signature and header");
            }
            JsonObject format = readJson(base64Url(protectedHeader.getString(), where + ".protected"),
                    where + ".protected");
            if (!(format.get("formatLength") instanceof JsonNumber length) || !(format.get("formatTail")
                    instanceof JsonString tail)) {
                throw unverified(where + ".protected needs formatLength and formatTail");
            }
            long lengthValue = length.bigDecimalValue().longValue();
            if (lengthValue < 0 || lengthValue > content.length) {
                throw unverified(where + ": formatLength " + length + " is outside the manifest");
            }
            byte[] tailValue = base64Url(tail.getString(), where + ".formatTail");
            if (formatLength != null && (formatLength != lengthValue || !Arrays.equals(formatTail, tailValue))) {
                throw unverified("the signatures disagree on the payload (formatLength, formatTail)");
            }
            formatLength = (int) lengthValue;
            formatTail = tailValue;
            all.add(new Jws(protectedHeader.getString(), header, base64Url(signed.getString(),
                    where + ".signature")));
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream(formatLength + formatTail.length);
        payload.write(content, 0, formatLength);
        payload.writeBytes(formatTail);
        byte[] bytes = payload.toByteArray();
        String encodedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        for (int i = 0; i < all.size(); i++) {
            Jws jws = all.get(i);
            byte[] signingInput = (jws.protectedHeader() + "." + encodedPayload).getBytes(StandardCharsets.US_ASCII);
            verify(jws.header(), signingInput, jws.signature(), "signatures[" + i + "]");
        }
        return bytes;
    }

    private static void verify(JsonObject header, byte[] signingInput, byte[] signature, String where) {
        if (!(header.get("alg") instanceof JsonString alg) || !ALGORITHMS.containsKey(alg.getString())) {
            throw unverified(where + ".header.alg must be one of " + ALGORITHMS.keySet().stream().sorted().toList());
        }
        try {
            PublicKey key = publicKey(header, alg.getString(), where);
            Signature verifier = Signature.getInstance(ALGORITHMS.get(alg.getString()));
            verifier.initVerify(key);
            verifier.update(signingInput);
            if (!verifier.verify(signature)) {
                throw unverified(where + " does not verify: the manifest or its signature was changed");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw unverified(where + " cannot be verified: " + e.getMessage());
        }
    }

    /** The key a signature names: the first certificate of its {@code x5c} chain, else its {@code jwk}. */
    private static PublicKey publicKey(JsonObject header, String alg, String where) throws GeneralSecurityException {
        if (header.get("x5c") instanceof JsonArray chain && !chain.isEmpty()
                && chain.get(0) instanceof JsonString first) {
            byte[] der = Base64.getDecoder().decode(first.getString());
            PublicKey key = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            if (!key.getAlgorithm().equals(alg.startsWith("ES") ? "EC" : "RSA")) {
                throw unverified(where + ": the certificate's key does not sign " + alg);
            }
            return key;
        }
        if (!(header.get("jwk") instanceof JsonObject jwk)) {
            throw unverified(where + ".header needs a jwk or an x5c chain");
        }
        String type = jwk.getString("kty", "");
        if (type.equals("EC")) {
            String[] curve = CURVES.get(jwk.getString("crv", ""));
            if (curve == null || !curve[1].equals(alg)) {
                throw unverified(where + ": an EC key on curve " + jwk.getString("crv", "(none)")
                        + " does not sign " + alg);
            }
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(curve[0]));
            ECPoint point = new ECPoint(unsigned(jwk, "x", where), unsigned(jwk, "y", where));
            return KeyFactory.getInstance("EC").generatePublic(
                    new ECPublicKeySpec(point, parameters.getParameterSpec(ECParameterSpec.class)));
        }
        if (type.equals("RSA") && alg.startsWith("RS")) {
            return KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(unsigned(jwk, "n", where), unsigned(jwk, "e", where)));
        }
        throw unverified(where + ": a " + (type.isEmpty() ? "jwk without kty" : type + " key") + " does not sign "
                + alg);
    }

    private static BigInteger unsigned(JsonObject jwk, String member, String where) {
        if (!(jwk.get(member) instanceof JsonString value)) {
            throw unverified(where + ".header.jwk." + member + " is required");
        }
        return new BigInteger(1, base64Url(value.getString(), where + ".header.jwk." + member));
    }

    private static byte[] base64Url(String text, String where) {
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw unverified(where + " is not base64url");
        }
    }

    private static JsonObject readJson(byte[] bytes, String where) {
        try {
            return ManifestParser.readObject(bytes);
        } catch (RegistryException e) {
            throw unverified(where + " is not a JSON object");
        }
    }

    private static JsonArray array(JsonObject manifest, String member) {
        if (!(manifest.get(member) instanceof JsonArray array)) {
            throw invalid(member + " must be an array");
        }
        return array;
    }

    private static void requireString(JsonObject manifest, String member, boolean required) {
        JsonValue value = manifest.get(member);
        if (value == null ? required : !(value instanceof JsonString)) {
            throw invalid(member + (required ? " is required and" : "") + " must be a string");
        }
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(Problem.MANIFEST_INVALID, message);
    }

    private static RegistryException unverified(String message) {
        return new RegistryException(Problem.MANIFEST_UNVERIFIED, message);
    }
}
