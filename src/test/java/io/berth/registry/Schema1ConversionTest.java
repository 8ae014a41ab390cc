package io.berth.registry;

import static io.berth.platform.Jsonp.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.storage.Digest;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class Schema1ConversionTest {

    static final String A3 = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
    static final String L2 = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
    static final String L3 = "sha256:b4ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

    static byte[] distributionConfig() throws Exception {
        try (InputStream in = Schema1ConversionTest.class.getResourceAsStream("/schema1/distribution-config.json")) {
            return in.readAllBytes();
        }
    }

    static ParsedManifest image(byte[] config, String... layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST
                + "\",\"config\":{\"mediaType\":\"" + MediaTypes.DOCKER_CONFIG + "\",\"size\":" + config.length
                + ",\"digest\":\"" + Digest.sha256(config) + "\"},\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                    + "\"size\":10,\"digest\":\"").append(layers[i]).append("\"}");
        }
        return ManifestParser.parse(json.append("]}").toString().getBytes(StandardCharsets.UTF_8),
                MediaTypes.DOCKER_MANIFEST);
    }

    static JsonObject json(String text) {
        return JSON.createReader(new StringReader(text)).readObject();
    }

    /** The image and expected ids of Distribution's own test of its converter (config_builder_test.go). */
    @Test
    void buildsWhatDistributionsConverterBuilds() throws Exception {
        byte[] config = distributionConfig();
        Schema1Conversion.Payload payload = Schema1Conversion.payload("testrepo", "testtag", image(config, A3, L2, L3),
                config);
        JsonObject manifest = json(new String(payload.bytes(), StandardCharsets.UTF_8));
        assertEquals(1, manifest.getInt("schemaVersion"));
        assertEquals("testrepo", manifest.getString("name"));
        assertEquals("testtag", manifest.getString("tag"));
        assertEquals("amd64", manifest.getString("architecture"));
        assertEquals(List.of(A3, L3, A3, A3, L2, A3), manifest.getJsonArray("fsLayers").getValuesAs(JsonObject.class)
                .stream().map(l -> l.getString("blobSum")).toList());
        JsonArray history = manifest.getJsonArray("history");
        List<JsonObject> entries = history.getValuesAs(JsonObject.class).stream()
                .map(h -> json(h.getString("v1Compatibility"))).toList();
        assertEquals(List.of("69e5c1bfadad697fdb6db59f6326648fa119e0c031a0eda33b8cfadcab54ba7f",
                "74cf9c92699240efdba1903c2748ef57105d5bedc588084c4e88f3bb1c3ef0b0",
                "178be37afc7c49e951abd75525dbe0871b62ad49402f037164ee6314f754599d",
                "b449305a55a283538c4574856a8b701f2a3d5ec08ef8aec47f385f20339a4866",
                "9e3447ca24cb96d86ebd5960cb34d1299b07e0a0e03801d90b9969a2c187dd6e",
                "3690474eb5b4b26fdfbd89c6e159e8cc376ca76ef48032a30fa6aafd56337880"),
                entries.stream().map(e -> e.getString("id")).toList());
        for (int i = 0; i + 1 < entries.size(); i++) {
            assertEquals(entries.get(i + 1).getString("id"), entries.get(i).getString("parent"), "a chain");
        }
        assertFalse(entries.get(5).containsKey("parent"), "the base layer has no parent");
        assertTrue(entries.get(0).getBoolean("throwaway"));
        assertTrue(entries.get(2).getBoolean("throwaway"));
        assertFalse(entries.get(1).containsKey("throwaway"));
        assertEquals("Alyssa P. Hacker <alyspdev@example.com>", entries.get(1).getString("author"));
        assertEquals(List.of("/bin/sh -c #(nop) ENV asdf=true"), entries.get(2).getJsonObject("container_config")
                .getJsonArray("Cmd").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList());
        // The newest entry is the config itself, without rootfs and history.
        assertEquals("1.9.0-dev", entries.get(0).getString("docker_version"));
        assertFalse(entries.get(0).containsKey("rootfs") || entries.get(0).containsKey("history"));
        assertTrue(payload.listsEmptyLayer());
        assertEquals(Schema1Conversion.EMPTY_LAYER_DIGEST.toString(), A3, "Distribution's empty layer, exactly");
    }

    @Test
    void theSignedManifestVerifiesAndIsTheSameEveryTime() throws Exception {
        byte[] config = distributionConfig();
        Schema1Conversion.Payload payload = Schema1Conversion.payload("testrepo", "testtag", image(config, A3, L2, L3),
                config);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        ManifestSigningKey key = new ManifestSigningKey() {
            @Override
            public JsonObject publicJwk() {
                RSAPublicKey rsa = (RSAPublicKey) pair.getPublic();
                return JSON.createObjectBuilder().add("e", b64(rsa.getPublicExponent())).add("kty", "RSA")
                        .add("n", b64(rsa.getModulus())).build();
            }

            @Override
            public byte[] sign(byte[] input) {
                try {
                    Signature signer = Signature.getInstance("SHA256withRSA");
                    signer.initSign(pair.getPrivate());
                    signer.update(input);
                    return signer.sign();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        byte[] signed = Schema1Conversion.sign(payload, key);
        assertArrayEquals(signed, Schema1Conversion.sign(payload, key), "RS256 signs deterministically");
        ParsedManifest verified = ManifestParser.parse(signed, MediaTypes.DOCKER_SCHEMA1_SIGNED);
        assertEquals(MediaTypes.DOCKER_SCHEMA1_SIGNED, verified.mediaType());
        assertArrayEquals(payload.bytes(), verified.digested(), "its digest is the payload's");
    }

    @Test
    void whatSchema1CannotSayIsRefused() throws Exception {
        byte[] noHistory = "{\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:1\"]}}"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(Problem.MANIFEST_UNKNOWN, assertThrows(RegistryException.class,
                () -> Schema1Conversion.payload("r", "t", image(noHistory, L2), noHistory)).problem());
        byte[] config = distributionConfig();
        assertThrows(RegistryException.class, () -> Schema1Conversion.payload("r", "t", image(config, L2, L3),
                config), "fewer layers than the history and rootfs name");
    }

    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
