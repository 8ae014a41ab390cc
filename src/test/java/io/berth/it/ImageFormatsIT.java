package io.berth.it;

import static io.berth.it.Command.run;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.json;
import static io.berth.it.RegistryHttp.sha256;
import static io.berth.platform.Jsonp.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.registry.JwsSigner;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
    private static final String DOCKER = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
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
    static OciLayout imageWithHistory(Path dir) {
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

    /** skopeo copies a tag of an OCI layout to {@code destination} here; the digest it pushed. */
    private static String push(Path layout, String tag, String destination, String... options) throws IOException {
        Path digestFile = Files.createTempFile(work, "pushed-", ".digest");
        List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--dest-tls-verify=false", "--dest-creds",
                CREDS, "--digestfile", digestFile.toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("oci:" + layout + ":" + tag, "docker://" + HOST + "/" + destination));
        run(work, command.toArray(String[]::new));
        return Files.readString(digestFile).trim();
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
        String digest = push(source, "v1", "formats/schema1:v1", "--format", "v2s1");

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
        // ECR: no conversion from schema 1; a client of newer formats gets it as stored.
        for (String newer : List.of(DOCKER, OCI)) {
            HttpResponse<String> asStored = REGISTRY.get("/v2/formats/schema1/manifests/v1", "Accept", newer);
            assertEquals(SCHEMA1_SIGNED, asStored.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(stored.body(), asStored.body());
        }

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

        // Pushed by digest, the digest is the payload's, not that of the bytes with their signatures.
        HttpResponse<String> bySignedBytes = REGISTRY.send("PUT", "/v2/formats/bad/manifests/" + sha256(bytes(signed)),
                bytes(signed), "Content-Type", SCHEMA1_SIGNED);
        assertEquals(400, bySignedBytes.statusCode(), bySignedBytes.body());
        assertEquals("DIGEST_INVALID", json(bySignedBytes.body()).getJsonArray("errors").getJsonObject(0)
                .getString("code"));
        assertEquals(201, REGISTRY.send("PUT", "/v2/formats/bad/manifests/" + sha256(bytes(payload)), bytes(signed),
                "Content-Type", SCHEMA1_SIGNED).statusCode());
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

    @Test
    void pulledByTagAnImageComesInTheFormatTheClientTakesAndByDigestAsStored() throws Exception {
        Command.require("skopeo");
        Path source = work.resolve("convert-source");
        OciLayout layout = new OciLayout(source);
        layout.index("v1", layout.image("converted " + source, "second layer"));
        String stored = push(source, "v1", "formats/oci:v1", "--format", "oci");
        JsonObject oci = json(REGISTRY.get("/v2/formats/oci/manifests/" + stored).body());

        HttpResponse<String> docker = REGISTRY.get("/v2/formats/oci/manifests/v1", "Accept", DOCKER);
        assertEquals(200, docker.statusCode(), docker.body());
        assertEquals(DOCKER, docker.headers().firstValue("Content-Type").orElseThrow());
        String converted = docker.headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertEquals(sha256(bytes(docker.body())), converted, "the digest of the bytes sent");
        JsonObject manifest = json(docker.body());
        assertEquals("application/vnd.docker.container.image.v1+json",
                manifest.getJsonObject("config").getString("mediaType"));
        assertEquals(oci.getJsonObject("config").getString("digest"),
                manifest.getJsonObject("config").getString("digest"), "the same config");
        for (int i = 0; i < 2; i++) {
            String layer = manifest.getJsonArray("layers").getJsonObject(i).getString("digest");
            assertEquals(oci.getJsonArray("layers").getJsonObject(i).getString("digest"), layer);
            assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip",
                    manifest.getJsonArray("layers").getJsonObject(i).getString("mediaType"));
            assertEquals(layer, sha256(REGISTRY.getBytes("/v2/formats/oci/blobs/" + layer).body()),
                    "the layer bytes are the same");
        }
        assertEquals(converted, REGISTRY.send("HEAD", "/v2/formats/oci/manifests/v1", null, "Accept", DOCKER)
                .headers().firstValue("Docker-Content-Digest").orElseThrow(), "HEAD says what GET sends");
        assertEquals(docker.body(), REGISTRY.get("/v2/formats/oci/manifests/v1", "Accept", DOCKER).body(),
                "the same bytes every time");

        // By digest: what the digest names, whatever the client takes; a converted digest names nothing stored.
        HttpResponse<String> byDigest = REGISTRY.get("/v2/formats/oci/manifests/" + stored, "Accept", DOCKER);
        assertEquals(OCI, byDigest.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(stored, byDigest.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(404, REGISTRY.get("/v2/formats/oci/manifests/" + converted, "Accept", DOCKER).statusCode());

        // A Docker schema 2 image, for a client that takes only OCI.
        push(source, "v1", "formats/docker:v1", "--format", "v2s2");
        HttpResponse<String> asOci = REGISTRY.get("/v2/formats/docker/manifests/v1", "Accept", OCI);
        assertEquals(OCI, asOci.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("application/vnd.oci.image.layer.v1.tar+gzip",
                json(asOci.body()).getJsonArray("layers").getJsonObject(0).getString("mediaType"));

        // ECR's BatchGetImage converts by tag, not by digest.
        EcrClient ecr = AwsApis.ecr(REGISTRY.base, AwsApis.adminKey(REGISTRY.base));
        var byTag = ecr.batchGetImage(r -> r.repositoryName("formats/oci").acceptedMediaTypes(DOCKER)
                .imageIds(i -> i.imageTag("v1")));
        assertEquals(DOCKER, byTag.images().get(0).imageManifestMediaType());
        assertEquals(docker.body(), byTag.images().get(0).imageManifest());
        assertEquals(converted, byTag.images().get(0).imageId().imageDigest());
        var byStoredDigest = ecr.batchGetImage(r -> r.repositoryName("formats/oci").acceptedMediaTypes(DOCKER)
                .imageIds(i -> i.imageDigest(stored)));
        assertEquals("UnsupportedImageType", byStoredDigest.failures().get(0).failureCodeAsString());
    }

    @Test
    void aClientThatTakesOnlySchema1GetsASignedSchema1ManifestThatVerifies() throws Exception {
        Command.require("skopeo");
        Path source = work.resolve("legacy-source");
        imageWithHistory(source);
        push(source, "v1", "formats/legacy:v1", "--format", "v2s2");
        JsonObject stored = json(REGISTRY.get("/v2/formats/legacy/manifests/v1", "Accept", DOCKER).body());

        // The same image pushed as OCI converts to the same schema 1 manifest (same layers, same config bytes).
        push(source, "v1", "formats/legacy:oci", "--format", "oci");
        assertEquals(OCI, REGISTRY.get("/v2/formats/legacy/manifests/oci", "Accept", OCI).headers()
                .firstValue("Content-Type").orElseThrow());
        for (String accept : List.of(SCHEMA1_SIGNED, "application/json", SCHEMA1 + ", " + SCHEMA1_SIGNED)) {
            HttpResponse<String> legacy = REGISTRY.get("/v2/formats/legacy/manifests/v1", "Accept", accept);
            assertEquals(200, legacy.statusCode(), legacy.body());
            assertEquals(SCHEMA1_SIGNED, legacy.headers().firstValue("Content-Type").orElseThrow());
            byte[] payload = verifiedJwsPayload(legacy.body());
            assertEquals(sha256(payload), legacy.headers().firstValue("Docker-Content-Digest").orElseThrow(),
                    "the digest of the payload without the signatures");
            JsonObject manifest = json(new String(payload, StandardCharsets.UTF_8));
            assertEquals("formats/legacy", manifest.getString("name"));
            assertEquals("v1", manifest.getString("tag"));
            var fsLayers = manifest.getJsonArray("fsLayers").getValuesAs(JsonObject.class).stream()
                    .map(l -> l.getString("blobSum")).toList();
            assertEquals(List.of(stored.getJsonArray("layers").getJsonObject(1).getString("digest"), EMPTY_LAYER,
                    stored.getJsonArray("layers").getJsonObject(0).getString("digest")), fsLayers, "newest first");
        }
        HttpResponse<String> fromOci = REGISTRY.get("/v2/formats/legacy/manifests/oci", "Accept", SCHEMA1_SIGNED);
        assertEquals(SCHEMA1_SIGNED, fromOci.headers().firstValue("Content-Type").orElseThrow(), fromOci.body());
        JsonObject ociPayload = json(new String(verifiedJwsPayload(fromOci.body()), StandardCharsets.UTF_8));
        assertEquals("oci", ociPayload.getString("tag"));
        assertEquals(json(new String(verifiedJwsPayload(REGISTRY.get("/v2/formats/legacy/manifests/v1", "Accept",
                SCHEMA1_SIGNED).body()), StandardCharsets.UTF_8)).getJsonArray("history"),
                ociPayload.getJsonArray("history"), "schema 2 and OCI give the same history");
        HttpResponse<String> first = REGISTRY.get("/v2/formats/legacy/manifests/v1", "Accept", SCHEMA1_SIGNED);
        assertEquals(first.body(), REGISTRY.get("/v2/formats/legacy/manifests/v1", "Accept", SCHEMA1_SIGNED).body(),
                "the same bytes every time");
        assertEquals(first.headers().firstValue("Docker-Content-Digest"), REGISTRY.send("HEAD",
                "/v2/formats/legacy/manifests/v1", null, "Accept", SCHEMA1_SIGNED).headers()
                .firstValue("Docker-Content-Digest"));
        // The empty layer it lists is in the repository, byte for byte what Distribution serves.
        HttpResponse<byte[]> empty = REGISTRY.getBytes("/v2/formats/legacy/blobs/" + EMPTY_LAYER);
        assertEquals(200, empty.statusCode());
        assertEquals(EMPTY_LAYER, sha256(empty.body()));
        // An image without history cannot be said in schema 1.
        Path plain = work.resolve("no-history");
        OciLayout layout = new OciLayout(plain);
        layout.index("v1", layout.image("no history " + plain));
        push(plain, "v1", "formats/no-history:v1", "--format", "v2s2");
        HttpResponse<String> refused = REGISTRY.get("/v2/formats/no-history/manifests/v1", "Accept",
                SCHEMA1_SIGNED);
        assertEquals(404, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("history"), refused.body());
    }

    /**
     * Checks a libtrust JWS the way the format is described, with the JDK only: the payload is the manifest up to
     * {@code formatLength} and {@code formatTail}, each signature an RS256 or ES256 signature of
     * {@code protected.base64url(payload)} by the key in its header.
     */
    static byte[] verifiedJwsPayload(String manifest) throws Exception {
        JsonObject json = json(manifest);
        byte[] content = bytes(manifest);
        byte[] payload = null;
        Base64.Decoder url = Base64.getUrlDecoder();
        for (JsonObject signature : json.getJsonArray("signatures").getValuesAs(JsonObject.class)) {
            JsonObject format = json(new String(url.decode(signature.getString("protected")), StandardCharsets.UTF_8));
            int length = format.getInt("formatLength");
            byte[] tail = url.decode(format.getString("formatTail"));
            payload = Arrays.copyOf(content, length + tail.length);
            System.arraycopy(tail, 0, payload, length, tail.length);
            JsonObject jwk = signature.getJsonObject("header").getJsonObject("jwk");
            assertEquals("RS256", signature.getJsonObject("header").getString("alg"));
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    new BigInteger(1, url.decode(jwk.getString("n"))), new BigInteger(1, url.decode(jwk.getString("e")))));
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((signature.getString("protected") + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(payload)).getBytes(StandardCharsets.US_ASCII));
            assertTrue(verifier.verify(url.decode(signature.getString("signature"))), "the signature verifies");
        }
        JsonObject withoutSignatures = JSON.createObjectBuilder(json).remove("signatures").build();
        assertEquals(withoutSignatures, json(new String(payload, StandardCharsets.UTF_8)),
                "the payload is the manifest without its signatures");
        return payload;
    }

    @Test
    void anIndexComesAsADockerListChildByChildOrAsItsLinuxAmd64ImageToAClientThatTakesNoIndex() throws Exception {
        Command.require("skopeo");
        Path source = work.resolve("index-source");
        OciLayout layout = new OciLayout(source);
        String arm64 = layout.imageFor("arm64", "arm64 " + source);
        String amd64 = layout.image("amd64 " + source);
        // As buildx makes them: the images, and an attestation (an artifact) for the "unknown" platform.
        String attestation = layout.artifact(amd64, "{\"attests\":\"" + OciLayout.digestOf(amd64) + "\"}");
        String index = layout.blob(RegistryHttp.OCI_INDEX, bytes("{\"schemaVersion\":2,\"mediaType\":\""
                + RegistryHttp.OCI_INDEX + "\",\"manifests\":["
                + arm64.replace("}", ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
                + "\"variant\":\"v8\"}}") + ","
                + amd64.replace("}", ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}") + ","
                + attestation.replace("}", ",\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}}")
                + "]}"));
        String imagesOnly = layout.blob(RegistryHttp.OCI_INDEX, bytes("{\"schemaVersion\":2,\"mediaType\":\""
                + RegistryHttp.OCI_INDEX + "\",\"manifests\":["
                + arm64.replace("}", ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}") + ","
                + amd64.replace("}", ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}") + "]}"));
        layout.index("multi", index, "images", imagesOnly);
        push(source, "multi", "formats/multi:1", "--all");

        HttpResponse<String> oci = REGISTRY.get("/v2/formats/multi/manifests/1", "Accept", OCI);
        assertEquals(OCI, oci.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(OciLayout.digestOf(amd64), oci.headers().firstValue("Docker-Content-Digest").orElseThrow(),
                "the amd64 image, as stored");
        HttpResponse<String> docker = REGISTRY.get("/v2/formats/multi/manifests/1", "Accept", DOCKER);
        assertEquals(DOCKER, docker.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(json(oci.body()).getJsonObject("config").getString("digest"),
                json(docker.body()).getJsonObject("config").getString("digest"), "the amd64 image, converted");
        assertEquals(RegistryHttp.OCI_INDEX, REGISTRY.get("/v2/formats/multi/manifests/1", "Accept",
                RegistryHttp.OCI_INDEX + "," + OCI).headers().firstValue("Content-Type").orElseThrow());

        // A client of Docker's lists gets one, child by child; the attestation has no Docker form and is left out.
        HttpResponse<String> list = REGISTRY.get("/v2/formats/multi/manifests/1", "Accept", DOCKER_LIST, "Accept",
                DOCKER);
        assertEquals(DOCKER_LIST, list.headers().firstValue("Content-Type").orElseThrow(), list.body());
        assertEquals(sha256(bytes(list.body())), list.headers().firstValue("Docker-Content-Digest").orElseThrow());
        var children = json(list.body()).getJsonArray("manifests").getValuesAs(JsonObject.class);
        assertEquals(List.of("arm64", "amd64"), children.stream()
                .map(c -> c.getJsonObject("platform").getString("architecture")).toList());
        assertEquals("v8", children.get(0).getJsonObject("platform").getString("variant"));
        for (JsonObject child : children) {
            assertEquals(DOCKER, child.getString("mediaType"));
            // What the list names can be pulled by its digest: the converted image, kept.
            HttpResponse<String> pulled = REGISTRY.get("/v2/formats/multi/manifests/" + child.getString("digest"),
                    "Accept", DOCKER);
            assertEquals(200, pulled.statusCode(), pulled.body());
            assertEquals(DOCKER, pulled.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(child.getString("digest"), sha256(bytes(pulled.body())));
            assertEquals(child.getInt("size"), bytes(pulled.body()).length);
        }
        assertEquals(json(docker.body()), json(REGISTRY.get("/v2/formats/multi/manifests/"
                + children.get(1).getString("digest")).body()), "the same conversion as the amd64 image by tag");
        // The tag still names the stored index, and its images are still what was pushed.
        assertEquals(OciLayout.digestOf(index), REGISTRY.send("HEAD", "/v2/formats/multi/manifests/1", null,
                "Accept", RegistryHttp.OCI_INDEX).headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(OCI, REGISTRY.get("/v2/formats/multi/manifests/" + OciLayout.digestOf(amd64)).headers()
                .firstValue("Content-Type").orElseThrow());
        // A kept conversion goes with its image.
        assertEquals(202, REGISTRY.send("DELETE", "/v2/formats/multi/manifests/" + OciLayout.digestOf(index), null)
                .statusCode());
        assertEquals(202, REGISTRY.send("DELETE", "/v2/formats/multi/manifests/" + OciLayout.digestOf(amd64), null)
                .statusCode());
        assertEquals(404, REGISTRY.get("/v2/formats/multi/manifests/" + children.get(1).getString("digest"))
                .statusCode());

        // And the other way: a Docker list (skopeo cannot make one of an index with an artifact either), for a
        // client of OCI indexes.
        push(source, "images", "formats/list:1", "--all", "--format", "v2s2");
        HttpResponse<String> storedList = REGISTRY.get("/v2/formats/list/manifests/1", "Accept", DOCKER_LIST);
        assertEquals(DOCKER_LIST, storedList.headers().firstValue("Content-Type").orElseThrow(), "skopeo made a list");
        HttpResponse<String> asIndex = REGISTRY.get("/v2/formats/list/manifests/1", "Accept",
                RegistryHttp.OCI_INDEX + ", " + OCI);
        assertNotEquals(storedList.headers().firstValue("Docker-Content-Digest"),
                asIndex.headers().firstValue("Docker-Content-Digest"));
        assertEquals(RegistryHttp.OCI_INDEX, asIndex.headers().firstValue("Content-Type").orElseThrow(),
                asIndex.body());
        for (JsonObject child : json(asIndex.body()).getJsonArray("manifests").getValuesAs(JsonObject.class)) {
            assertEquals(OCI, child.getString("mediaType"));
            assertEquals(OCI, REGISTRY.get("/v2/formats/list/manifests/" + child.getString("digest"), "Accept", OCI)
                    .headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    void anImageDockerHasNoTypeForIsRefusedToADockerOnlyClient() {
        String config = pushBlob("formats/zstd", bytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
        String layer = pushBlob("formats/zstd", bytes("not really zstd"));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":37},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\""
                + layer + "\",\"size\":15}]}";
        assertEquals(201, REGISTRY.send("PUT", "/v2/formats/zstd/manifests/v1", bytes(manifest), "Content-Type", OCI)
                .statusCode());
        HttpResponse<String> refused = REGISTRY.get("/v2/formats/zstd/manifests/v1", "Accept", DOCKER);
        assertEquals(404, refused.statusCode());
        JsonObject error = json(refused.body()).getJsonArray("errors").getJsonObject(0);
        assertEquals("MANIFEST_UNKNOWN", error.getString("code"));
        assertTrue(error.getString("message").contains("zstd"), error.getString("message"));
        assertEquals(200, REGISTRY.get("/v2/formats/zstd/manifests/v1", "Accept", OCI).statusCode());
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
