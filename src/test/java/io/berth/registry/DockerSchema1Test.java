package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerSchema1Test {

    static final String LAYER_A = "sha256:" + "a".repeat(64);
    static final String LAYER_B = "sha256:" + "b".repeat(64);

    /** What skopeo writes: compact JSON, the top layer first. */
    static String unsigned(String name, String... layers) {
        StringBuilder fsLayers = new StringBuilder();
        StringBuilder history = new StringBuilder();
        for (int i = 0; i < layers.length; i++) {
            fsLayers.append(i == 0 ? "" : ",").append("{\"blobSum\":\"").append(layers[i]).append("\"}");
            history.append(i == 0 ? "" : ",").append("{\"v1Compatibility\":\"{\\\"id\\\":\\\"")
                    .append(Integer.toString(i).repeat(64)).append("\\\"}\"}");
        }
        return "{\"name\":\"" + name + "\",\"tag\":\"v1\",\"architecture\":\"amd64\",\"fsLayers\":[" + fsLayers
                + "],\"history\":[" + history + "],\"schemaVersion\":1}";
    }

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    static ParsedManifest parse(String manifest, String contentType) {
        return ManifestParser.parse(manifest.getBytes(StandardCharsets.UTF_8), contentType);
    }

    static Problem problem(String manifest, String contentType) {
        return assertThrows(RegistryException.class, () -> parse(manifest, contentType)).problem();
    }

    @Test
    void aSignedManifestVerifiesAndItsDigestIsThePayloadsWithoutTheSignatures() throws Exception {
        String payload = unsigned("library/app", LAYER_A, LAYER_B);
        String signed = JwsSigner.sign(payload, ec("secp256r1"), "ES256");
        ParsedManifest manifest = parse(signed, MediaTypes.DOCKER_SCHEMA1_SIGNED);
        assertEquals(MediaTypes.DOCKER_SCHEMA1_SIGNED, manifest.mediaType());
        assertEquals(Digest.sha256(payload.getBytes(StandardCharsets.UTF_8)), manifest.digest("sha256"));
        assertEquals(List.of(LAYER_A, LAYER_B), manifest.layers().stream().map(l -> l.digest().toString()).toList());
        assertEquals(-1, manifest.layers().get(0).size(), "the stored blob says the size");
        assertNull(manifest.config());
    }

    @Test
    void everyKeyTypeLibtrustSignsWithVerifiesIndentedOrCompact() throws Exception {
        String payload = unsigned("library/app", LAYER_A);
        String indented = payload.replace("{\"name\"", "{\n   \"name\"").replace(",\"schemaVersion\":1}",
                ",\n   \"schemaVersion\": 1\n}");
        for (String text : List.of(payload, indented)) {
            for (String signed : List.of(JwsSigner.sign(text, ec("secp384r1"), "ES384"),
                    JwsSigner.sign(text, ec("secp521r1"), "ES512"), JwsSigner.sign(text, rsa(), "RS256"))) {
                ParsedManifest manifest = parse(signed, null);
                assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), manifest.digested());
            }
        }
        // Two signatures over the same payload.
        String twice = JwsSigner.addSignature(JwsSigner.sign(payload, ec("secp256r1"), "ES256"), payload,
                ec("secp256r1"), "ES256");
        assertEquals(MediaTypes.DOCKER_SCHEMA1_SIGNED, parse(twice, "application/json").mediaType());
        String many = JwsSigner.sign(payload, ec("secp256r1"), "ES256");
        for (int i = 0; i < DockerSchema1.MAX_SIGNATURES; i++) {
            many = JwsSigner.addSignature(many, payload, ec("secp256r1"), "ES256");
        }
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(many, null), "no more than a bounded number of signatures");
    }

    @Test
    void anUnsignedManifestIsTakenAsItIs() {
        String payload = unsigned("library/app", LAYER_A);
        ParsedManifest manifest = parse(payload, MediaTypes.DOCKER_SCHEMA1);
        assertEquals(MediaTypes.DOCKER_SCHEMA1, manifest.mediaType());
        assertEquals(Digest.sha256(payload.getBytes(StandardCharsets.UTF_8)), manifest.digest("sha256"));
        assertEquals(MediaTypes.DOCKER_SCHEMA1, parse(payload, null).mediaType(), "schemaVersion 1 says it");
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(payload, MediaTypes.DOCKER_SCHEMA1_SIGNED),
                "a signed type without signatures");
    }

    @Test
    void aChangedPayloadOrSignatureIsUnverified() throws Exception {
        String payload = unsigned("library/app", LAYER_A, LAYER_B);
        String signed = JwsSigner.sign(payload, ec("secp256r1"), "ES256");
        // Another layer in the signed part: the signature no longer matches.
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(signed.replace(LAYER_B, LAYER_A), null));
        // A flipped character of the signature itself.
        int at = signed.indexOf("\"signature\":\"") + 20;
        String flipped = signed.substring(0, at) + (signed.charAt(at) == 'A' ? 'B' : 'A') + signed.substring(at + 1);
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(flipped, null));
        // Another key in the header than the one that signed.
        String otherKey = JwsSigner.sign(payload, ec("secp256r1"), "ES256");
        String jwk = otherKey.substring(otherKey.indexOf("\"jwk\":"), otherKey.indexOf(",\"alg\""));
        String swapped = signed.substring(0, signed.indexOf("\"jwk\":")) + jwk
                + signed.substring(signed.indexOf(",\"alg\""));
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(swapped, null));
        // An algorithm that is not the key's, or not libtrust's.
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(signed.replace("\"ES256\"", "\"ES384\""), null));
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(signed.replace("\"ES256\"", "\"HS256\""), null));
        // Empty signatures, and a payload length beyond the manifest.
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(payload.replace(",\"schemaVersion\":1}",
                ",\"schemaVersion\":1,\"signatures\":[]}"), null));
        String beyond = JwsSigner.signWithFormat(payload, ec("secp256r1"), "ES256", 100_000, "}");
        assertEquals(Problem.MANIFEST_UNVERIFIED, problem(beyond, null));
    }

    @Test
    void membersOutsideTheSignedPayloadAreRefused() throws Exception {
        String payload = unsigned("library/app", LAYER_A);
        String signed = JwsSigner.sign(payload, ec("secp256r1"), "ES256");
        // A layer smuggled in after the signatures, where the signed payload does not have it.
        String smuggled = signed.substring(0, signed.length() - 1) + ",\"extra\":\"" + LAYER_B + "\"}";
        assertEquals(Problem.MANIFEST_INVALID, problem(smuggled, null));
    }

    @Test
    void theLayersAndTheirHistoryMustCorrespond() throws Exception {
        String payload = unsigned("library/app", LAYER_A, LAYER_B);
        String oneHistoryShort = payload.replaceFirst("\\{\"v1Compatibility\":\"[^}]*}\"},", "");
        assertEquals(Problem.MANIFEST_INVALID, problem(JwsSigner.sign(oneHistoryShort, ec("secp256r1"), "ES256"),
                null));
        assertEquals(Problem.MANIFEST_INVALID, problem(unsigned("library/app"), null), "no layers");
        assertEquals(Problem.MANIFEST_INVALID, problem(payload.replace(LAYER_A, "sha256:nothex"), null));
        assertEquals(Problem.MANIFEST_INVALID, problem(payload.replace("{\\\"id\\\"", "[\\\"id\\\""), null),
                "v1Compatibility is a JSON object");
        assertEquals(Problem.MANIFEST_INVALID, problem(payload.replace("\"name\":\"library/app\",", ""), null));
        assertEquals(Problem.MANIFEST_INVALID, problem(payload.replace("\"schemaVersion\":1",
                "\"schemaVersion\":2"), MediaTypes.DOCKER_SCHEMA1));
    }
}
