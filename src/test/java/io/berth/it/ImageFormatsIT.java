package io.berth.it;

import static io.berth.it.Command.run;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.json;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.registry.JwsSigner;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageDetail;

/**
 * Image formats as ECR has them: Docker schema 1 pushed and pulled by the real clients, its signatures checked.
 */
@ExtendWith(ArquillianExtension.class)
class ImageFormatsIT {

    private static final RegistryHttp REGISTRY = RegistryHttp.forTests();
    private static final String HOST = "127.0.0.1:" + System.getProperty("berth.it.port", "5055");
    private static final String CREDS = "admin:" + RegistryHttp.ADMIN_PASSWORD;
    private static final String SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
    private static final String SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /** The gzip'd empty tar that schema 1 lists for a history entry without a layer. */
    private static final String EMPTY_LAYER =
            "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
    private static Path work;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    @BeforeAll
    static void workDir() throws IOException {
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-formats-");
    }

    /**
     * An OCI layout with one image whose config has the history that a schema 1 manifest is built from: two layers,
     * and an empty layer between them (schema 1 lists it as the gzip'd empty tar).
     */
    private static OciLayout imageWithHistory(Path dir) {
        OciLayout layout = new OciLayout(dir);
        String base = layout.image("base " + dir);
        String top = layout.image("top " + dir);
        JsonObject baseManifest = json(new String(readBlob(dir, OciLayout.digestOf(base)), StandardCharsets.UTF_8));
        JsonObject topManifest = json(new String(readBlob(dir, OciLayout.digestOf(top)), StandardCharsets.UTF_8));
        String baseLayer = baseManifest.getJsonArray("layers").getJsonObject(0).toString();
        String topLayer = topManifest.getJsonArray("layers").getJsonObject(0).toString();
        String diffIds = json(new String(readBlob(dir, baseManifest.getJsonObject("config").getString("digest")),
                StandardCharsets.UTF_8)).getJsonObject("rootfs").getJsonArray("diff_ids").getString(0);
        String topDiffId = json(new String(readBlob(dir, topManifest.getJsonObject("config").getString("digest")),
                StandardCharsets.UTF_8)).getJsonObject("rootfs").getJsonArray("diff_ids").getString(0);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"A=1\"]},"
                + "\"created\":\"2026-12-03T10:00:00Z\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffIds
                + "\",\"" + topDiffId + "\"]},\"history\":["
                + "{\"created\":\"2026-12-03T09:00:00Z\",\"created_by\":\"ADD base /\"},"
                + "{\"created\":\"2026-12-03T09:30:00Z\",\"created_by\":\"ENV A=1\",\"empty_layer\":true},"
                + "{\"created\":\"2026-12-03T10:00:00Z\",\"created_by\":\"ADD top /\"}]}";
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + layout.blob("application/vnd.oci.image.config.v1+json", bytes(config))
                + ",\"layers\":[" + baseLayer + "," + topLayer + "]}";
        layout.index("v1", layout.blob("application/vnd.oci.image.manifest.v1+json", bytes(manifest)));
        return layout;
    }

    private static byte[] readBlob(Path layout, String digest) {
        try {
            return Files.readAllBytes(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void skopeoPushesSchema1AndPullsItBackWithTheSameLayers() throws Exception {
        Command.require("skopeo");
        Path source = work.resolve("schema1-source");
        imageWithHistory(source);
        Path digestFile = work.resolve("schema1.digest");
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", CREDS, "--format", "v2s1",
                "--digestfile", digestFile.toString(), "oci:" + source + ":v1",
                "docker://" + HOST + "/formats/schema1:v1");
        String digest = Files.readString(digestFile).trim();

        HttpResponse<String> stored = REGISTRY.get("/v2/formats/schema1/manifests/v1", "Accept", SCHEMA1_SIGNED);
        assertEquals(200, stored.statusCode(), stored.body());
        assertEquals(SCHEMA1_SIGNED, stored.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(digest, stored.headers().firstValue("Docker-Content-Digest").orElseThrow(),
                "the digest skopeo computed: the payload's, without the signatures");
        JsonObject manifest = json(stored.body());
        assertEquals(1, manifest.getInt("schemaVersion"));
        assertEquals(3, manifest.getJsonArray("fsLayers").size(), "two layers and the empty one");
        assertEquals(EMPTY_LAYER, manifest.getJsonArray("fsLayers").getJsonObject(1).getString("blobSum"));
        assertEquals(stored.body(), REGISTRY.get("/v2/formats/schema1/manifests/" + digest, "Accept",
                SCHEMA1_SIGNED).body(), "by digest: the same bytes as pushed");

        Path back = work.resolve("schema1-back");
        run(work, "skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS,
                "docker://" + HOST + "/formats/schema1@" + digest, "oci:" + back + ":v1");
        for (var layer : manifest.getJsonArray("fsLayers").getValuesAs(JsonObject.class)) {
            String blobSum = layer.getString("blobSum");
            if (blobSum.equals(EMPTY_LAYER)) {
                continue; // a "throwaway" entry: no layer of the image pulled back
            }
            byte[] pulled = readBlob(back, blobSum);
            assertEquals(blobSum, sha256(pulled), "every layer comes back byte for byte");
        }

        // ECR sees one image like any other: its size is its layers' (schema 1 does not say them).
        EcrClient ecr = AwsApis.ecr(REGISTRY.base, AwsApis.adminKey(REGISTRY.base));
        ImageDetail detail = ecr.describeImages(r -> r.repositoryName("formats/schema1")).imageDetails().get(0);
        assertEquals(digest, detail.imageDigest());
        assertEquals(List.of("v1"), detail.imageTags());
        assertEquals(SCHEMA1_SIGNED, detail.imageManifestMediaType());
        long layers = 0;
        for (var layer : manifest.getJsonArray("fsLayers").getValuesAs(JsonObject.class)) {
            layers += REGISTRY.send("HEAD", "/v2/formats/schema1/blobs/" + layer.getString("blobSum"), null)
                    .headers().firstValueAsLong("Content-Length").orElseThrow();
        }
        assertTrue(detail.imageSizeInBytes() >= layers, detail.imageSizeInBytes() + " covers the layers " + layers);
    }

    @Test
    void aBadSchema1ManifestIsRefusedAndStoresNothing() throws Exception {
        String layer = pushBlob("formats/bad", bytes("a layer of formats/bad"));
        String payload = "{\"name\":\"formats/bad\",\"tag\":\"v1\",\"architecture\":\"amd64\",\"fsLayers\":[{\"blobSum\":\""
                + layer + "\"}],\"history\":[{\"v1Compatibility\":\"{\\\"id\\\":\\\"" + "1".repeat(64)
                + "\\\"}\"}],\"schemaVersion\":1}";
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        String signed = JwsSigner.sign(payload, key, "ES256");

        assertRefused(signed.replace("\"tag\":\"v1\"", "\"tag\":\"v2\""), "MANIFEST_UNVERIFIED"); // tampered
        int at = signed.indexOf("\"signature\":\"") + 20;
        assertRefused(signed.substring(0, at) + (signed.charAt(at) == 'A' ? 'B' : 'A') + signed.substring(at + 1),
                "MANIFEST_UNVERIFIED");
        String missing = "sha256:" + "0".repeat(64);
        assertRefused(JwsSigner.sign(payload.replace(layer, missing), key, "ES256"), "MANIFEST_BLOB_UNKNOWN");
        assertRefused(JwsSigner.sign(payload.replace("],\"history\"", ",{\"blobSum\":\"" + layer
                + "\"}],\"history\""), key, "ES256"), "MANIFEST_INVALID");
        assertEquals(404, REGISTRY.get("/v2/formats/bad/manifests/v1").statusCode(), "nothing was stored");

        HttpResponse<String> good = REGISTRY.send("PUT", "/v2/formats/bad/manifests/v1", bytes(signed),
                "Content-Type", SCHEMA1_SIGNED);
        assertEquals(201, good.statusCode(), good.body());
        assertEquals(sha256(bytes(payload)), good.headers().firstValue("Docker-Content-Digest").orElseThrow());
        // Unsigned, as application/vnd.docker.distribution.manifest.v1+json: its digest is its bytes'.
        HttpResponse<String> unsigned = REGISTRY.send("PUT", "/v2/formats/bad/manifests/unsigned",
                bytes(payload.replace("\"v1\"", "\"unsigned\"")), "Content-Type", SCHEMA1);
        assertEquals(201, unsigned.statusCode(), unsigned.body());
        assertEquals(SCHEMA1, REGISTRY.get("/v2/formats/bad/manifests/unsigned").headers()
                .firstValue("Content-Type").orElseThrow());
    }

    private static void assertRefused(String manifest, String code) {
        HttpResponse<String> refused = REGISTRY.send("PUT", "/v2/formats/bad/manifests/v1", bytes(manifest),
                "Content-Type", SCHEMA1_SIGNED);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(code, json(refused.body()).getJsonArray("errors").getJsonObject(0).getString("code"),
                refused.body());
    }

    private static String pushBlob(String repository, byte[] content) {
        String digest = sha256(content);
        HttpResponse<String> pushed = REGISTRY.send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + digest,
                content, "Content-Type", "application/octet-stream");
        assertEquals(201, pushed.statusCode(), pushed.body());
        return digest;
    }
}
