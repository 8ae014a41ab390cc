package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_INDEX;
import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.GetLifecyclePolicyPreviewResponse;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyNotFoundException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyPreviewNotFoundException;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyPreviewResult;
import software.amazon.awssdk.services.ecr.model.LifecyclePolicyPreviewStatus;

/**
 * Lifecycle policies applied by the timer (every 2 s here) as their preview said, and garbage collection on demand
 * reclaiming the space while kept images still pull: on a server of its own, started by the run script, with the
 * AWS SDK's EcrClient and skopeo.
 */
class LifecycleIT {

    private static final int PORT = 5058;
    private static ServerProcess server;
    private static RegistryHttp registry;
    private static EcrClient ecr;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess("lifecycle", PORT, Map.of("BERTH_LIFECYCLE_INTERVAL_SECONDS", "2",
                "BERTH_GC_GRACE_SECONDS", "0", "BERTH_GC_INTERVAL_SECONDS", "86400",
                "BERTH_SPARSE_INDEXES", "true")).start();
        registry = server.registry;
        ecr = AwsApis.ecr(registry.base, AwsApis.adminKey(registry.base));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (ecr != null) {
            ecr.close();
        }
        server.close();
    }

    @Test
    void withSparseIndexesOnAnIndexMayReferencePlatformsTheRepositoryDoesNotHold() throws Exception {
        // One platform of a two-platform image copied alone, as `skopeo copy` of a single platform leaves it.
        String repo = "lifecycle/sparse";
        String amd64 = registry.imageManifest(repo, RegistryHttp.OCI_MANIFEST, "sparse amd64");
        // Neither the arm64 manifest nor its blobs are pushed (no stray blobs for the collection test to find).
        String arm64 = amd64.replace(sha256(bytes("sparse amd64")), sha256(bytes("sparse arm64")));
        assertEquals(201, registry.putManifest(repo, sha256(bytes(amd64)), RegistryHttp.OCI_MANIFEST, amd64)
                .statusCode());
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryHttp.OCI_INDEX + "\",\"manifests\":["
                + platform(amd64, "amd64") + "," + platform(arm64, "arm64") + "]}";
        HttpResponse<String> pushed = registry.putManifest(repo, "multi", RegistryHttp.OCI_INDEX, index);
        assertEquals(201, pushed.statusCode(), pushed.body());
        assertEquals(index, registry.get("/v2/" + repo + "/manifests/multi").body());
        assertEquals(404, registry.get("/v2/" + repo + "/manifests/" + sha256(bytes(arm64))).statusCode());
        // Its blobs are still checked: an image manifest's missing layer is refused as always.
        String broken = amd64.replace(sha256(bytes("sparse amd64")), sha256(bytes("no such layer")));
        HttpResponse<String> refused = registry.putManifest(repo, "broken", RegistryHttp.OCI_MANIFEST, broken);
        assertEquals("MANIFEST_BLOB_UNKNOWN", RegistryHttp.errorCode(refused));
    }

    private static String platform(String manifest, String architecture) {
        return "{\"mediaType\":\"" + RegistryHttp.OCI_MANIFEST + "\",\"digest\":\"" + sha256(bytes(manifest))
                + "\",\"size\":" + bytes(manifest).length + ",\"platform\":{\"architecture\":\"" + architecture
                + "\",\"os\":\"linux\"}}";
    }

    /** Keep the newest release; keep one untagged image. */
    private static final String POLICY = """
            {"rules":[
              {"rulePriority":1,"description":"newest release only","selection":{"tagStatus":"tagged",
               "tagPrefixList":["release"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},
              {"rulePriority":2,"description":"one untagged image","selection":{"tagStatus":"untagged",
               "countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}""";

    @Test
    void aPolicyExpiresOnTheTimerWhatItsPreviewSaidAndCollectionReclaimsTheSpace() throws Exception {
        String repo = "lifecycle/app";
        // release-1: a two-platform index whose platform images are untagged, as multi-arch pushes leave them.
        Image amd64 = push(repo, null, "amd64 layer");
        Image arm64 = push(repo, null, "arm64 layer");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                + amd64.descriptor() + "," + arm64.descriptor() + "]}";
        assertEquals(201, registry.putManifest(repo, "release-1", OCI_INDEX, index).statusCode());
        String indexDigest = sha256(bytes(index));
        Image release2 = push(repo, "release-2", "release 2 layer");
        // A signature of release-2 (an untagged referrer), then three untagged images, oldest first.
        String signatureLayer = registry.pushBlob(repo, bytes("signature of release-2"));
        String emptyConfig = registry.pushBlob(repo, bytes("{}"));
        String signature = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"artifactType\":"
                + "\"application/vnd.example.signature\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
                + "\"digest\":\"" + emptyConfig + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/octet-stream\","
                + "\"digest\":\"" + signatureLayer + "\",\"size\":" + bytes("signature of release-2").length + "}],"
                + "\"subject\":" + release2.descriptor() + "}";
        String signatureDigest = sha256(bytes(signature));
        assertEquals(201, registry.putManifest(repo, signatureDigest, OCI_MANIFEST, signature).statusCode());
        Image untagged1 = push(repo, null, "untagged 1");
        Image untagged2 = push(repo, null, "untagged 2");
        Image untagged3 = push(repo, null, "untagged 3");
        // Another repository uses untagged-1's layer: expiring it here must not take the blob from there.
        assertEquals(201, registry.send("POST", "/v2/lifecycle/other/blobs/uploads/?mount=" + untagged1.layer
                + "&from=" + repo, null).statusCode());
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        String other = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + registry.pushBlob("lifecycle/other", bytes(config)) + "\",\"size\":" + bytes(config).length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + untagged1.layer + "\",\"size\":" + bytes("untagged 1").length + "}]}";
        assertEquals(201, registry.putManifest("lifecycle/other", "v1", OCI_MANIFEST, other).statusCode());

        // The preview, before the policy is stored (the timer would apply it at once).
        ecr.startLifecyclePolicyPreview(r -> r.repositoryName(repo).lifecyclePolicyText(POLICY));
        GetLifecyclePolicyPreviewResponse preview = waitForPreview(repo);
        Map<String, Integer> expected = Map.of(indexDigest, 1, amd64.digest, 1, arm64.digest, 1,
                untagged1.digest, 2, untagged2.digest, 2);
        assertEquals(expected, priorities(preview.previewResults()));
        assertEquals(5, preview.summary().expiringImageTotalCount());
        assertEquals(List.of("release-1"), preview.previewResults().stream()
                .filter(r -> r.imageDigest().equals(indexDigest)).findFirst().orElseThrow().imageTags());
        assertEquals(2, ecr.getLifecyclePolicyPreview(r -> r.repositoryName(repo).filter(f -> f.tagStatus("UNTAGGED"))
                .maxResults(2)).previewResults().size(), "a page of untagged results");

        Set<String> before = server.blobFiles();
        ecr.putLifecyclePolicy(r -> r.repositoryName(repo).lifecyclePolicyText(POLICY));
        waitUntil(Duration.ofSeconds(30), () -> ecr.getLifecyclePolicy(r -> r.repositoryName(repo))
                .lastEvaluatedAt() != null);
        Set<String> remaining = ecr.describeImages(r -> r.repositoryName(repo)).imageDetails().stream()
                .map(ImageDetail::imageDigest).collect(Collectors.toSet());
        assertEquals(Set.of(release2.digest, signatureDigest, untagged3.digest), remaining,
                "what the preview listed is what the run expired");
        assertEquals(404, registry.get("/v2/" + repo + "/manifests/release-1").statusCode());

        // Collection reclaims the blobs only the expired images used: the platform images' and untagged-2's layers.
        // The shared config, untagged-1's layer (used in lifecycle/other) and the kept images' blobs stay.
        JsonObject run = collect();
        Set<String> reclaimed = Set.of(amd64.layer, arm64.layer, untagged2.layer);
        assertEquals(reclaimed.size(), run.getInt("blobsDeleted"), run.toString());
        assertEquals(bytes("amd64 layer").length + bytes("arm64 layer").length + bytes("untagged 2").length,
                run.getJsonNumber("bytesDeleted").longValue());
        Set<String> after = server.blobFiles();
        Set<String> gone = new TreeSet<>(before);
        gone.removeAll(after);
        assertEquals(new TreeSet<>(reclaimed), gone, "the files of exactly those blobs are deleted");

        // Kept images pull completely, with skopeo as with plain HTTP.
        for (String image : List.of(release2.digest, signatureDigest, untagged3.digest)) {
            assertPullsCompletely(repo, image);
        }
        assertPullsCompletely("lifecycle/other", "v1");
        Path work = Files.createTempDirectory(server.data, "skopeo");
        Command.run(work, "skopeo", "copy", "--src-tls-verify=false", "--src-creds", "admin:"
                + RegistryHttp.ADMIN_PASSWORD, "docker://127.0.0.1:" + PORT + "/" + repo + ":release-2", "oci:copy:v");
    }

    @Test
    void invalidPoliciesAndMissingPreviewsAreClearErrors() {
        String repo = "lifecycle/errors";
        ecr.createRepository(r -> r.repositoryName(repo));
        assertThrows(LifecyclePolicyPreviewNotFoundException.class,
                () -> ecr.getLifecyclePolicyPreview(r -> r.repositoryName(repo)));
        assertThrows(LifecyclePolicyNotFoundException.class,
                () -> ecr.startLifecyclePolicyPreview(r -> r.repositoryName(repo)));
        String anyNotLast = POLICY.replace("\"tagStatus\":\"untagged\"", "\"tagStatus\":\"any\"")
                .replace("\"rulePriority\":1", "\"rulePriority\":3");
        InvalidParameterException refused = assertThrows(InvalidParameterException.class,
                () -> ecr.startLifecyclePolicyPreview(r -> r.repositoryName(repo).lifecyclePolicyText(anyNotLast)));
        assertTrue(refused.awsErrorDetails().errorMessage().contains("rule 2"), refused.getMessage());
        assertThrows(LifecyclePolicyPreviewNotFoundException.class,
                () -> ecr.getLifecyclePolicyPreview(r -> r.repositoryName(repo)), "a refused preview starts nothing");
        assertThrows(InvalidParameterException.class, () -> ecr.getLifecyclePolicyPreview(r -> r.repositoryName(repo)
                .maxResults(101)));
    }

    @Test
    void collectionIsForTheRegistryAdministratorsAndReportsItsRuns() throws Exception {
        assertEquals(401, registry.as(null, null).send("POST", "/berth/gc", null).statusCode());
        assertEquals(200, AwsApis.iamSigned(registry.base, AwsApis.adminKey(registry.base),
                "Action", "CreateUser", "UserName", "gc-user").statusCode());
        assertEquals(200, AwsApis.iamSigned(registry.base, AwsApis.adminKey(registry.base),
                "Action", "CreateLoginProfile", "UserName", "gc-user", "Password", "gc-user-password").statusCode());
        HttpResponse<String> denied = registry.as("gc-user", "gc-user-password").send("POST", "/berth/gc", null);
        assertEquals(403, denied.statusCode());
        assertEquals("DENIED", RegistryHttp.errorCode(denied));
        JsonObject run = collect();
        assertEquals("COMPLETE", run.getString("state"));
        assertTrue(run.getJsonNumber("millis").longValue() >= 0);
        assertTrue(run.getJsonNumber("blobsStored").longValue() >= run.getJsonNumber("blobsDeleted").longValue());
    }

    // ---- helpers

    /** A pushed image: its manifest's digest and size, and its layer's digest. */
    private record Image(String digest, long size, String layer) {
        String descriptor() {
            return "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":" + size
                    + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
        }
    }

    /** Pushes an image with its own layer, under a tag or (tag null) by digest, a little after the previous one. */
    private static Image push(String repo, String tag, String layerText) throws InterruptedException {
        Thread.sleep(20); // distinct push times, so that "oldest first" is the order of the pushes
        String manifest = registry.imageManifest(repo, OCI_MANIFEST, layerText);
        String digest = sha256(bytes(manifest));
        HttpResponse<String> pushed = registry.putManifest(repo, tag != null ? tag : digest, OCI_MANIFEST, manifest);
        assertEquals(201, pushed.statusCode(), pushed.body());
        return new Image(digest, bytes(manifest).length, sha256(bytes(layerText)));
    }

    private static GetLifecyclePolicyPreviewResponse waitForPreview(String repo) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            GetLifecyclePolicyPreviewResponse preview = ecr.getLifecyclePolicyPreview(r -> r.repositoryName(repo));
            if (preview.status() != LifecyclePolicyPreviewStatus.IN_PROGRESS) {
                assertEquals(LifecyclePolicyPreviewStatus.COMPLETE, preview.status());
                return preview;
            }
            assertTrue(System.nanoTime() < deadline, "the preview completes");
            Thread.sleep(100);
        }
    }

    private static Map<String, Integer> priorities(List<LifecyclePolicyPreviewResult> results) {
        Map<String, Integer> priorities = new HashMap<>();
        results.forEach(r -> priorities.put(r.imageDigest(), r.appliedRulePriority()));
        return priorities;
    }

    /** Starts a collection and waits for it to end; its report. */
    private static JsonObject collect() throws InterruptedException {
        HttpResponse<String> previous = registry.get("/berth/gc");
        int before = previous.statusCode() == 200 ? RegistryHttp.json(previous.body()).getInt("id") : 0;
        HttpResponse<String> started = registry.send("POST", "/berth/gc", null);
        assertEquals(202, started.statusCode(), started.body());
        JsonObject[] last = new JsonObject[1];
        waitUntil(Duration.ofSeconds(60), () -> {
            HttpResponse<String> report = registry.get("/berth/gc");
            if (report.statusCode() != 200) {
                return false;
            }
            last[0] = RegistryHttp.json(report.body());
            return last[0].getInt("id") > before && !last[0].getString("state").equals("RUNNING");
        });
        assertEquals("COMPLETE", last[0].getString("state"), last[0].toString());
        return last[0];
    }

    /** Every blob of the image (by tag or digest) is there, with the bytes its digest names. */
    static void assertPullsCompletely(RegistryHttp registry, String repo, String reference) {
        HttpResponse<String> manifest = registry.get("/v2/" + repo + "/manifests/" + reference,
                "Accept", OCI_MANIFEST + ", " + OCI_INDEX);
        assertEquals(200, manifest.statusCode(), repo + ":" + reference + " " + manifest.body());
        JsonObject json = RegistryHttp.json(manifest.body());
        List<JsonObject> blobs = Stream.concat(Stream.of(json.getJsonObject("config")),
                json.getJsonArray("layers").getValuesAs(JsonObject.class).stream()).toList();
        for (JsonObject blob : blobs) {
            String digest = blob.getString("digest");
            HttpResponse<byte[]> body = registry.getBytes("/v2/" + repo + "/blobs/" + digest);
            assertEquals(200, body.statusCode(), repo + " blob " + digest);
            assertEquals(digest, sha256(body.body()), "the bytes of " + digest);
        }
    }

    private static void assertPullsCompletely(String repo, String reference) {
        assertPullsCompletely(registry, repo, reference);
    }


    static void waitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out after " + timeout);
            Thread.sleep(100);
        }
    }
}
