package io.berth.it;

import static io.berth.it.RegistryHttp.DOCKER_MANIFEST;
import static io.berth.it.RegistryHttp.OCI_INDEX;
import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.errorCode;
import static io.berth.it.RegistryHttp.json;
import static io.berth.it.RegistryHttp.random;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OCI Distribution Specification v1.1 against the real WAR on Payara Micro. Test names follow the spec's
 * sentences; every refusal is checked for its status and its error code.
 */
@ExtendWith(ArquillianExtension.class)
class DistributionSpecIT {

    private static final AtomicInteger REPOS = new AtomicInteger();
    private final RegistryHttp registry = RegistryHttp.forTests();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    /** A fresh repository name per test, so that tests do not see each other's content. */
    private static String repo(String what) {
        return "spec/" + what + "-" + REPOS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    // ---- end-1: base

    @Test
    void baseEndpointAnswers200WithTheApiVersionHeader() {
        HttpResponse<String> response = registry.get("/v2/");
        assertEquals(200, response.statusCode());
        assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
    }

    // ---- pushing blobs

    @Test
    void monolithicPostWithDigestCreatesTheBlob() {
        String name = repo("mono");
        byte[] data = random(100_000, 1);
        String digest = sha256(data);
        HttpResponse<String> response = registry.send("POST", "/v2/" + name + "/blobs/uploads/?digest=" + digest,
                data, "Content-Type", "application/octet-stream");
        assertEquals(201, response.statusCode());
        assertEquals("/v2/" + name + "/blobs/" + digest, response.headers().firstValue("Location").orElseThrow());
        assertEquals(digest, response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertArrayEquals(data, registry.getBytes("/v2/" + name + "/blobs/" + digest).body());
    }

    @Test
    void postThenPutUploadsTheBlobInOneRequest() {
        String name = repo("postput");
        byte[] data = random(5000, 2);
        HttpResponse<String> started = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null);
        assertEquals(202, started.statusCode());
        String location = started.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/v2/" + name + "/blobs/uploads/"), location);
        assertNotNull(started.headers().firstValue("Docker-Upload-UUID").orElse(null));
        HttpResponse<String> done = registry.send("PUT", location + "?digest=" + sha256(data), data,
                "Content-Type", "application/octet-stream");
        assertEquals(201, done.statusCode(), done.body());
        assertArrayEquals(data, registry.getBytes("/v2/" + name + "/blobs/" + sha256(data)).body());
    }

    @Test
    void chunkedUploadReportsItsRangeAndAcceptsAFinalChunkOnPut() {
        String name = repo("chunked");
        byte[] data = random(3 * 1024 * 1024 + 5, 3);
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        int chunk = 1024 * 1024;
        for (int offset = 0; offset < 3 * chunk; offset += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(data, offset, offset + chunk);
            HttpResponse<String> patched = registry.send("PATCH", location, part,
                    "Content-Type", "application/octet-stream",
                    "Content-Range", offset + "-" + (offset + chunk - 1));
            assertEquals(202, patched.statusCode(), patched.body());
            assertEquals("0-" + (offset + chunk - 1), patched.headers().firstValue("Range").orElseThrow());
            location = patched.headers().firstValue("Location").orElseThrow();
        }
        HttpResponse<String> status = registry.get(location);
        assertEquals(204, status.statusCode());
        assertEquals("0-" + (3 * chunk - 1), status.headers().firstValue("Range").orElseThrow());
        assertEquals(location, status.headers().firstValue("Location").orElseThrow());

        byte[] last = java.util.Arrays.copyOfRange(data, 3 * chunk, data.length);
        HttpResponse<String> done = registry.send("PUT", location + "?digest=" + sha256(data), last,
                "Content-Type", "application/octet-stream",
                "Content-Range", (3 * chunk) + "-" + (data.length - 1));
        assertEquals(201, done.statusCode(), done.body());
        assertArrayEquals(data, registry.getBytes("/v2/" + name + "/blobs/" + sha256(data)).body());
    }

    @Test
    void outOfOrderOrOverlappingChunksAreRefusedWith416() {
        String name = repo("order");
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        assertEquals(202, registry.send("PATCH", location, new byte[10], "Content-Range", "0-9").statusCode());
        HttpResponse<String> gap = registry.send("PATCH", location, new byte[10], "Content-Range", "20-29");
        assertEquals(416, gap.statusCode());
        assertEquals("BLOB_UPLOAD_INVALID", errorCode(gap));
        assertEquals("0-9", gap.headers().firstValue("Range").orElseThrow());
        HttpResponse<String> overlap = registry.send("PATCH", location, new byte[10], "Content-Range", "5-14");
        assertEquals(416, overlap.statusCode());
        assertEquals("0-9", registry.get(location).headers().firstValue("Range").orElseThrow());
    }

    @Test
    void aMalformedContentRangeIsRefusedAndWritesNothing() {
        String name = repo("badrange");
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        for (String bad : new String[] {"abc", "10-5", "-5", "0-99"}) {
            HttpResponse<String> response = registry.send("PATCH", location, new byte[10], "Content-Range", bad);
            assertEquals(400, response.statusCode(), bad);
            assertEquals("BLOB_UPLOAD_INVALID", errorCode(response));
        }
        assertEquals("0-0", registry.get(location).headers().firstValue("Range").orElseThrow());
    }

    @Test
    void aStreamedPatchOfUnknownLengthIsHashedWhileWritten() throws Exception {
        String name = repo("stream");
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        byte[] data = random(64 * 1024 * 1024, 4);
        HttpRequest patch = HttpRequest.newBuilder(URI.create(registry.base + location))
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", RegistryHttp.basic("admin", RegistryHttp.ADMIN_PASSWORD)).build();
        HttpResponse<String> patched = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(patch, HttpResponse.BodyHandlers.ofString());
        assertEquals(202, patched.statusCode(), patched.body());
        assertEquals("0-" + (data.length - 1), patched.headers().firstValue("Range").orElseThrow());
        String next = patched.headers().firstValue("Location").orElseThrow();
        assertEquals(201, registry.send("PUT", next + "?digest=" + sha256(data), null).statusCode());
        assertArrayEquals(data, registry.getBytes("/v2/" + name + "/blobs/" + sha256(data)).body());
    }

    @Test
    void aWrongDigestOnCompletionIsDigestInvalidAndStoresNothing() {
        String name = repo("wrongdigest");
        byte[] data = random(1000, 5);
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        String claimed = sha256(bytes("something else"));
        HttpResponse<String> done = registry.send("PUT", location + "?digest=" + claimed, data);
        assertEquals(400, done.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(done));
        assertEquals(404, registry.send("HEAD", "/v2/" + name + "/blobs/" + claimed, null).statusCode());
        assertEquals(404, registry.send("HEAD", "/v2/" + name + "/blobs/" + sha256(data), null).statusCode());

        HttpResponse<String> mono = registry.send("POST", "/v2/" + name + "/blobs/uploads/?digest=" + claimed, data);
        assertEquals("DIGEST_INVALID", errorCode(mono));
        HttpResponse<String> missing = registry.send("PUT", registry.send("POST", "/v2/" + name
                + "/blobs/uploads/", null).headers().firstValue("Location").orElseThrow(), data);
        assertEquals("DIGEST_INVALID", errorCode(missing));
        HttpResponse<String> malformed = registry.send("POST", "/v2/" + name + "/blobs/uploads/?digest=sha256:zz", data);
        assertEquals(400, malformed.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(malformed));
    }

    @Test
    void sha512DigestsAreVerifiedToo() {
        String name = repo("sha512");
        byte[] data = random(70_000, 6);
        String digest = RegistryHttp.sha512(data);
        assertEquals(201, registry.send("POST", "/v2/" + name + "/blobs/uploads/?digest=" + digest, data)
                .statusCode());
        HttpResponse<byte[]> fetched = registry.getBytes("/v2/" + name + "/blobs/" + digest);
        assertArrayEquals(data, fetched.body());
        assertEquals(digest, fetched.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    @Test
    void aCancelledUploadIsGoneAndUnknownUploadsAreBlobUploadUnknown() {
        String name = repo("cancel");
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        registry.send("PATCH", location, new byte[100]);
        assertEquals(204, registry.send("DELETE", location, null).statusCode());
        HttpResponse<String> after = registry.get(location);
        assertEquals(404, after.statusCode());
        assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(after));

        for (String id : new String[] {UUID.randomUUID().toString(), "not-a-uuid", "x".repeat(300)}) {
            for (String method : new String[] {"GET", "PATCH", "PUT", "DELETE"}) {
                HttpResponse<String> response = registry.send(method, "/v2/" + name + "/blobs/uploads/" + id
                        + (method.equals("PUT") ? "?digest=" + sha256(new byte[0]) : ""), new byte[0]);
                assertEquals(404, response.statusCode(), method + " " + id);
                assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(response));
            }
        }
    }

    @Test
    void anUploadBelongsToItsRepository() {
        String a = repo("owner-a");
        String b = repo("owner-b");
        registry.pushBlob(b, bytes("create b"));
        String location = registry.send("POST", "/v2/" + a + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        HttpResponse<String> elsewhere = registry.get("/v2/" + b + "/blobs/uploads/" + id);
        assertEquals(404, elsewhere.statusCode());
        assertEquals("BLOB_UPLOAD_UNKNOWN", errorCode(elsewhere));
    }

    // ---- pulling blobs

    @Test
    void blobsAnswerHeadGetAndRanges() {
        String name = repo("range");
        byte[] data = random(10_000, 7);
        String digest = registry.pushBlob(name, data);
        HttpResponse<String> head = registry.send("HEAD", "/v2/" + name + "/blobs/" + digest, null);
        assertEquals(200, head.statusCode());
        assertEquals("10000", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest, head.headers().firstValue("Docker-Content-Digest").orElseThrow());

        HttpResponse<byte[]> part = registry.getBytes("/v2/" + name + "/blobs/" + digest, "Range", "bytes=100-199");
        assertEquals(206, part.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 200), part.body());
        assertEquals("bytes 100-199/10000", part.headers().firstValue("Content-Range").orElseThrow());

        HttpResponse<byte[]> tail = registry.getBytes("/v2/" + name + "/blobs/" + digest, "Range", "bytes=-10");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 9990, 10000), tail.body());

        for (String bad : new String[] {"bytes=10000-", "bytes=5-1", "lines=1-2", "bytes=0-1,3-4"}) {
            HttpResponse<String> refused = registry.get("/v2/" + name + "/blobs/" + digest, "Range", bad);
            assertEquals(416, refused.statusCode(), bad);
            assertEquals("bytes */10000", refused.headers().firstValue("Content-Range").orElseThrow());
        }
    }

    @Test
    void aBlobIsReadableOnlyInRepositoriesThatLinkIt() {
        String owner = repo("private");
        String other = repo("other");
        String digest = registry.pushBlob(owner, random(2000, 8));
        registry.pushBlob(other, bytes("other content"));
        HttpResponse<String> leak = registry.get("/v2/" + other + "/blobs/" + digest);
        assertEquals(404, leak.statusCode());
        assertEquals("BLOB_UNKNOWN", errorCode(leak));
        HttpResponse<String> noRepo = registry.get("/v2/" + repo("nothing") + "/blobs/" + digest);
        assertEquals(404, noRepo.statusCode());
        assertEquals("NAME_UNKNOWN", errorCode(noRepo));
    }

    @Test
    void aBlobIsMountedFromAnotherRepository() {
        String source = repo("mount-src");
        String target = repo("mount-dst");
        byte[] data = random(3000, 9);
        String digest = registry.pushBlob(source, data);

        HttpResponse<String> mounted = registry.send("POST", "/v2/" + target + "/blobs/uploads/?mount=" + digest
                + "&from=" + source, null);
        assertEquals(201, mounted.statusCode(), mounted.body());
        assertEquals("/v2/" + target + "/blobs/" + digest, mounted.headers().firstValue("Location").orElseThrow());
        assertArrayEquals(data, registry.getBytes("/v2/" + target + "/blobs/" + digest).body());

        // Without from, the registry finds the blob itself among the repositories the caller may read.
        String noFromTarget = repo("mount-nofrom");
        HttpResponse<String> noFrom = registry.send("POST", "/v2/" + noFromTarget + "/blobs/uploads/?mount="
                + digest, null);
        assertEquals(201, noFrom.statusCode(), noFrom.body());
        assertEquals("/v2/" + noFromTarget + "/blobs/" + digest, noFrom.headers().firstValue("Location").orElseThrow());
        assertArrayEquals(data, registry.getBytes("/v2/" + noFromTarget + "/blobs/" + digest).body());
        HttpResponse<String> noFromAbsent = registry.send("POST", "/v2/" + noFromTarget + "/blobs/uploads/?mount="
                + sha256(bytes("nowhere")), null);
        assertEquals(202, noFromAbsent.statusCode());
        assertTrue(noFromAbsent.headers().firstValue("Location").orElseThrow().contains("/blobs/uploads/"));

        HttpResponse<String> absent = registry.send("POST", "/v2/" + target + "/blobs/uploads/?mount="
                + sha256(bytes("never pushed")) + "&from=" + source, null);
        assertEquals(202, absent.statusCode());
    }

    @Test
    void deletingABlobUnlinksItUnlessAManifestNeedsIt() {
        String name = repo("delblob");
        String digest = registry.pushBlob(name, random(100, 10));
        assertEquals(202, registry.send("DELETE", "/v2/" + name + "/blobs/" + digest, null).statusCode());
        assertEquals("BLOB_UNKNOWN", errorCode(registry.get("/v2/" + name + "/blobs/" + digest)));
        assertEquals(404, registry.send("DELETE", "/v2/" + name + "/blobs/" + digest, null).statusCode());

        String manifest = registry.imageManifest(name, OCI_MANIFEST, "layer in use");
        assertEquals(201, registry.putManifest(name, "v1", OCI_MANIFEST, manifest).statusCode());
        String layer = json(manifest).getJsonArray("layers").getJsonObject(0).getString("digest");
        HttpResponse<String> refused = registry.send("DELETE", "/v2/" + name + "/blobs/" + layer, null);
        assertEquals(405, refused.statusCode());
        assertEquals("UNSUPPORTED", errorCode(refused));
        assertEquals(200, registry.get("/v2/" + name + "/blobs/" + layer).statusCode());
    }

    // ---- manifests

    @Test
    void aManifestPushedByTagIsServedByteForByteByTagAndDigest() {
        String name = repo("manifest");
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "layer one") + "  \n"; // odd whitespace kept
        String digest = sha256(bytes(manifest));
        HttpResponse<String> put = registry.putManifest(name, "latest", OCI_MANIFEST, manifest);
        assertEquals(201, put.statusCode(), put.body());
        assertEquals(digest, put.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals("/v2/" + name + "/manifests/" + digest, put.headers().firstValue("Location").orElseThrow());

        for (String reference : new String[] {"latest", digest}) {
            HttpResponse<byte[]> get = registry.getBytes("/v2/" + name + "/manifests/" + reference,
                    "Accept", OCI_MANIFEST + ", " + DOCKER_MANIFEST);
            assertEquals(200, get.statusCode());
            assertArrayEquals(bytes(manifest), get.body());
            assertEquals(OCI_MANIFEST, get.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(digest, get.headers().firstValue("Docker-Content-Digest").orElseThrow());
            assertEquals(String.valueOf(bytes(manifest).length),
                    get.headers().firstValue("Content-Length").orElseThrow());
            assertEquals("\"" + digest + "\"", get.headers().firstValue("ETag").orElseThrow());

            HttpResponse<String> head = registry.send("HEAD", "/v2/" + name + "/manifests/" + reference, null);
            assertEquals(200, head.statusCode());
            assertEquals(digest, head.headers().firstValue("Docker-Content-Digest").orElseThrow());
            assertEquals(String.valueOf(bytes(manifest).length),
                    head.headers().firstValue("Content-Length").orElseThrow());
        }
    }

    @Test
    void aPullAfterATagMovesOrIsDeletedSeesTheChange() {
        String name = repo("moving");
        String first = registry.imageManifest(name, OCI_MANIFEST, "first");
        String second = registry.imageManifest(name, OCI_MANIFEST, "second");
        registry.putManifest(name, "tag", OCI_MANIFEST, first);
        assertEquals(first, registry.get("/v2/" + name + "/manifests/tag").body());
        assertEquals(first, registry.get("/v2/" + name + "/manifests/tag").body());
        registry.putManifest(name, "tag", OCI_MANIFEST, second);
        assertEquals(second, registry.get("/v2/" + name + "/manifests/tag").body());
        assertEquals(200, registry.send("HEAD", "/v2/" + name + "/manifests/" + sha256(bytes(second)), null)
                .statusCode());
        registry.send("DELETE", "/v2/" + name + "/manifests/" + sha256(bytes(second)), null);
        assertEquals(404, registry.get("/v2/" + name + "/manifests/tag").statusCode());
        assertEquals(404, registry.send("HEAD", "/v2/" + name + "/manifests/" + sha256(bytes(second)), null)
                .statusCode());
    }

    @Test
    void manifestsArePushedByDigestAndDockerSchema2IsKeptAsPushed() {
        String name = repo("bydigest");
        String manifest = registry.imageManifest(name, DOCKER_MANIFEST, "docker layer");
        String digest = sha256(bytes(manifest));
        assertEquals(201, registry.putManifest(name, digest, DOCKER_MANIFEST, manifest).statusCode());
        HttpResponse<String> get = registry.get("/v2/" + name + "/manifests/" + digest);
        assertEquals(DOCKER_MANIFEST, get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(manifest, get.body());

        HttpResponse<String> mismatch = registry.putManifest(name, sha256(bytes("other")), DOCKER_MANIFEST, manifest);
        assertEquals(400, mismatch.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(mismatch));
    }

    @Test
    void aManifestReferencingUnknownBlobsIsRefused() {
        String name = repo("missing");
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "present");
        String absent = sha256(bytes("absent layer"));
        String broken = manifest.replaceFirst("\"layers\":\\[\\{\"mediaType\":\"([^\"]+)\",\"digest\":\"[^\"]+\"",
                "\"layers\":[{\"mediaType\":\"$1\",\"digest\":\"" + absent + "\"");
        HttpResponse<String> response = registry.putManifest(name, "broken", OCI_MANIFEST, broken);
        assertEquals(400, response.statusCode());
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(response));
        assertEquals(absent, json(response.body()).getJsonArray("errors").getJsonObject(0).getString("detail"));

        // A blob that exists only in another repository does not count.
        String other = repo("missing-other");
        String foreign = registry.imageManifest(other, OCI_MANIFEST, "elsewhere");
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(registry.putManifest(name, "foreign", OCI_MANIFEST, foreign)));
        assertEquals(404, registry.get("/v2/" + name + "/manifests/broken").statusCode());
    }

    @Test
    void invalidManifestsAreRefusedAsManifestInvalid() {
        String name = repo("invalid");
        String good = registry.imageManifest(name, OCI_MANIFEST, "valid");
        for (String[] bad : new String[][] {
                {"{not json", OCI_MANIFEST},
                {"[]", OCI_MANIFEST},
                {"{\"schemaVersion\":2}", OCI_MANIFEST},
                {good, DOCKER_MANIFEST},
                {good, "application/vnd.example.unknown+json"},
                {"{\"schemaVersion\":1,\"name\":\"x\"}", "application/vnd.docker.distribution.manifest.v1+json"}}) {
            HttpResponse<String> response = registry.putManifest(name, "bad", bad[1], bad[0]);
            assertEquals(400, response.statusCode(), bad[0] + " as " + bad[1]);
            assertEquals("MANIFEST_INVALID", errorCode(response));
        }
        assertEquals(404, registry.get("/v2/" + name + "/manifests/bad").statusCode());
    }

    @Test
    void aManifestOver4MiBIsRefusedWith413() {
        String name = repo("huge");
        String padding = " ".repeat(4 * 1024 * 1024);
        HttpResponse<String> response = registry.putManifest(name, "huge", OCI_MANIFEST,
                registry.imageManifest(name, OCI_MANIFEST, "big") + padding);
        assertEquals(413, response.statusCode());
        assertEquals("SIZE_INVALID", errorCode(response));
    }

    @Test
    void manifestsUpToTheSpecLimitPushAndPullWhole() {
        // One annotation of 3.9 MB: the manifest is within the 4 MiB limit, so no column may cap it.
        String name = repo("large") + "/" + "n".repeat(200);
        assertTrue(name.length() <= 255);
        String base = registry.imageManifest(name, OCI_MANIFEST, "large manifest layer");
        String mediaType255 = "application".repeat(12).substring(0, 127) + "/" + "x".repeat(127);
        String manifest = base.substring(0, base.length() - 1)
                + ",\"artifactType\":\"application/vnd." + "a".repeat(100) + "\""
                + ",\"annotations\":{\"org.example.big\":\"" + "b".repeat(3_900_000) + "\"}}";
        byte[] content = bytes(manifest);
        String digest = sha256(content);
        String tag = "t".repeat(128);
        HttpResponse<String> byTag = registry.putManifest(name, tag, OCI_MANIFEST, manifest);
        assertEquals(201, byTag.statusCode(), byTag.body());
        HttpResponse<String> byDigest = registry.putManifest(name, digest, OCI_MANIFEST, manifest);
        assertEquals(201, byDigest.statusCode(), byDigest.body());
        for (String reference : List.of(tag, digest)) {
            HttpResponse<byte[]> get = registry.getBytes("/v2/" + name + "/manifests/" + reference,
                    "Accept", OCI_MANIFEST);
            assertEquals(200, get.statusCode());
            assertArrayEquals(content, get.body());
            assertEquals(OCI_MANIFEST, get.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(String.valueOf(content.length), get.headers().firstValue("Content-Length").orElseThrow());
            assertEquals(digest, get.headers().firstValue("Docker-Content-Digest").orElseThrow());
            HttpResponse<String> head = registry.send("HEAD", "/v2/" + name + "/manifests/" + reference, null);
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(content.length), head.headers().firstValue("Content-Length").orElseThrow());
        }
        assertEquals(List.of(tag), json(registry.get("/v2/" + name + "/tags/list").body()).getJsonArray("tags")
                .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList());

        // A referrer with a large annotation and a config of the longest media type RFC 6838 allows.
        String config = registry.pushBlob(name, bytes("{}"));
        String referrer = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + mediaType255 + "\",\"digest\":\"" + config + "\",\"size\":2},\"layers\":[],\"subject\":{"
                + "\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":" + content.length
                + "},\"annotations\":{\"org.example.note\":\"" + "c".repeat(100_000) + "\"}}";
        HttpResponse<String> pushed = registry.putManifest(name, sha256(bytes(referrer)), OCI_MANIFEST, referrer);
        assertEquals(201, pushed.statusCode(), pushed.body());
        JsonObject listed = json(registry.get("/v2/" + name + "/referrers/" + digest).body())
                .getJsonArray("manifests").getJsonObject(0);
        assertEquals(mediaType255, listed.getString("artifactType"));
        assertEquals(100_000, listed.getJsonObject("annotations").getString("org.example.note").length());

        // Past what RFC 6838 allows, a media type is refused as invalid, not cut or failed.
        String tooLong = referrer.replace(mediaType255, mediaType255 + "x");
        HttpResponse<String> refused = registry.putManifest(name, "too-long-type", OCI_MANIFEST, tooLong);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("MANIFEST_INVALID", errorCode(refused));
    }

    @Test
    void tagQueryParametersTagAManifestPushedByDigest() {
        String name = repo("tagparams");
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "tag params");
        String digest = sha256(bytes(manifest));
        List<String> tags = new ArrayList<>();
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            tags.add("v1." + i);
            query.append(i == 0 ? "?" : "&").append("tag=v1.").append(i);
        }
        HttpResponse<String> put = registry.putManifest(name, digest + query, OCI_MANIFEST, manifest);
        assertEquals(201, put.statusCode(), put.body());
        assertEquals(Set.copyOf(tags), Set.copyOf(put.headers().allValues("OCI-Tag")));
        assertEquals(digest, put.headers().firstValue("Docker-Content-Digest").orElseThrow());
        for (String tag : tags) {
            assertEquals(digest, registry.send("HEAD", "/v2/" + name + "/manifests/" + tag, null).headers()
                    .firstValue("Docker-Content-Digest").orElseThrow());
        }

        // One invalid tag refuses the whole push: neither the manifest nor any tag is stored.
        String other = registry.imageManifest(name, OCI_MANIFEST, "tag params, refused");
        String otherDigest = sha256(bytes(other));
        HttpResponse<String> bad = registry.putManifest(name, otherDigest + "?tag=fine&tag=.bad", OCI_MANIFEST, other);
        assertEquals(400, bad.statusCode());
        assertEquals("TAG_INVALID", errorCode(bad));
        assertEquals(404, registry.get("/v2/" + name + "/manifests/" + otherDigest).statusCode());
        assertEquals(404, registry.get("/v2/" + name + "/manifests/fine").statusCode());
    }

    @Test
    void anIndexNeedsItsChildManifestsInTheRepository() {
        String name = repo("index");
        String amd64 = registry.imageManifest(name, OCI_MANIFEST, "amd64 layer");
        String arm64 = registry.imageManifest(name, OCI_MANIFEST, "arm64 layer");
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                + descriptor(amd64, "amd64") + "," + descriptor(arm64, "arm64") + "]}";
        HttpResponse<String> early = registry.putManifest(name, "multi", OCI_INDEX, index);
        assertEquals(400, early.statusCode());
        assertEquals("MANIFEST_BLOB_UNKNOWN", errorCode(early));

        assertEquals(201, registry.putManifest(name, sha256(bytes(amd64)), OCI_MANIFEST, amd64).statusCode());
        assertEquals(201, registry.putManifest(name, sha256(bytes(arm64)), OCI_MANIFEST, arm64).statusCode());
        assertEquals(201, registry.putManifest(name, "multi", OCI_INDEX, index).statusCode());
        HttpResponse<String> get = registry.get("/v2/" + name + "/manifests/multi", "Accept", OCI_INDEX);
        assertEquals(OCI_INDEX, get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(index, get.body());
    }

    private static String descriptor(String manifest, String arch) {
        return "{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + sha256(bytes(manifest)) + "\",\"size\":"
                + bytes(manifest).length + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
    }

    @Test
    void deletingByTagRemovesOnlyTheTagAndByDigestRemovesTheImageAndItsTags() {
        String name = repo("delete");
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "to delete");
        String digest = sha256(bytes(manifest));
        registry.putManifest(name, "a", OCI_MANIFEST, manifest);
        registry.putManifest(name, "b", OCI_MANIFEST, manifest);
        registry.putManifest(name, "c", OCI_MANIFEST, manifest);

        assertEquals(202, registry.send("DELETE", "/v2/" + name + "/manifests/a", null).statusCode());
        assertEquals("MANIFEST_UNKNOWN", errorCode(registry.get("/v2/" + name + "/manifests/a")));
        assertEquals(200, registry.get("/v2/" + name + "/manifests/b").statusCode());
        assertEquals(200, registry.get("/v2/" + name + "/manifests/" + digest).statusCode());

        assertEquals(202, registry.send("DELETE", "/v2/" + name + "/manifests/" + digest, null).statusCode());
        assertEquals(404, registry.get("/v2/" + name + "/manifests/" + digest).statusCode());
        assertEquals(404, registry.get("/v2/" + name + "/manifests/b").statusCode());
        assertEquals(0, json(registry.get("/v2/" + name + "/tags/list").body()).getJsonArray("tags").size());
        HttpResponse<String> again = registry.send("DELETE", "/v2/" + name + "/manifests/" + digest, null);
        assertEquals(404, again.statusCode());
        assertEquals("MANIFEST_UNKNOWN", errorCode(again));
    }

    @Test
    void unknownManifestsRepositoriesAndMalformedReferencesAreRefused() {
        String name = repo("unknown");
        registry.pushBlob(name, bytes("exists"));
        HttpResponse<String> unknown = registry.get("/v2/" + name + "/manifests/nope");
        assertEquals(404, unknown.statusCode());
        assertEquals("MANIFEST_UNKNOWN", errorCode(unknown));
        String never = repo("never");
        HttpResponse<String> noRepo = registry.get("/v2/" + never + "/manifests/latest");
        assertEquals(404, noRepo.statusCode());
        assertEquals("NAME_UNKNOWN", errorCode(noRepo));
        assertEquals("The repository with name '" + never + "' does not exist in the registry with id '000000000000'",
                json(noRepo.body()).getJsonArray("errors").getJsonObject(0).getString("message"));
        HttpResponse<String> badTag = registry.putManifest(name, ".bad", OCI_MANIFEST, "{}");
        assertEquals(400, badTag.statusCode());
        assertEquals("TAG_INVALID", errorCode(badTag));
        // A reference that can name nothing is simply not there when read (the conformance suite's
        // ".INVALID_MANIFEST_NAME"); pushing to it stays a bad request.
        for (String impossible : List.of(".INVALID_MANIFEST_NAME", "sha256:1234", "md5:abc", "-x")) {
            HttpResponse<String> get = registry.get("/v2/" + name + "/manifests/" + impossible);
            assertEquals(404, get.statusCode(), impossible);
            assertEquals("MANIFEST_UNKNOWN", errorCode(get));
            assertEquals(404, registry.send("HEAD", "/v2/" + name + "/manifests/" + impossible, null).statusCode());
        }
        HttpResponse<String> badDigest = registry.putManifest(name, "sha256:1234", OCI_MANIFEST, "{}");
        assertEquals(400, badDigest.statusCode());
        assertEquals("DIGEST_INVALID", errorCode(badDigest));
        assertEquals(400, registry.send("HEAD", "/v2/" + name + "/blobs/sha256:xyz", null).statusCode());
    }

    // ---- referrers

    @Test
    void referrersListManifestsWhoseSubjectIsTheDigest() {
        String name = repo("referrers");
        String image = registry.imageManifest(name, OCI_MANIFEST, "signed image");
        String imageDigest = sha256(bytes(image));
        registry.putManifest(name, "v1", OCI_MANIFEST, image);
        String empty = registry.pushBlob(name, bytes("{}"));
        String signature = registry.pushBlob(name, bytes("signature bytes"));
        String artifact = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"artifactType\":\"application/vnd.example.signature\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + empty
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.example.sig\",\"digest\":\"" + signature
                + "\",\"size\":15}],\"subject\":{\"mediaType\":\"" + OCI_MANIFEST + "\",\"digest\":\"" + imageDigest
                + "\",\"size\":" + bytes(image).length + "},\"annotations\":{\"org.example.signer\":\"ci\"}}";
        String artifactDigest = sha256(bytes(artifact));
        HttpResponse<String> put = registry.putManifest(name, artifactDigest, OCI_MANIFEST, artifact);
        assertEquals(201, put.statusCode(), put.body());
        assertEquals(imageDigest, put.headers().firstValue("OCI-Subject").orElseThrow());

        HttpResponse<String> all = registry.get("/v2/" + name + "/referrers/" + imageDigest);
        assertEquals(200, all.statusCode());
        assertEquals(OCI_INDEX, all.headers().firstValue("Content-Type").orElseThrow());
        JsonArray manifests = json(all.body()).getJsonArray("manifests");
        assertEquals(1, manifests.size());
        JsonObject referrer = manifests.getJsonObject(0);
        assertEquals(artifactDigest, referrer.getString("digest"));
        assertEquals("application/vnd.example.signature", referrer.getString("artifactType"));
        assertEquals(bytes(artifact).length, referrer.getInt("size"));
        assertEquals("ci", referrer.getJsonObject("annotations").getString("org.example.signer"));

        HttpResponse<String> filtered = registry.get("/v2/" + name + "/referrers/" + imageDigest
                + "?artifactType=application/vnd.example.sbom");
        assertEquals("artifactType", filtered.headers().firstValue("OCI-Filters-Applied").orElseThrow());
        assertEquals(0, json(filtered.body()).getJsonArray("manifests").size());
        HttpResponse<String> matching = registry.get("/v2/" + name + "/referrers/" + imageDigest
                + "?artifactType=application/vnd.example.signature");
        assertEquals(1, json(matching.body()).getJsonArray("manifests").size());

        HttpResponse<String> none = registry.get("/v2/" + name + "/referrers/" + sha256(bytes("no such")));
        assertEquals(200, none.statusCode());
        assertEquals(0, json(none.body()).getJsonArray("manifests").size());
    }

    @Test
    void theReferrersApiNeverAnswers404() {
        // "a registry that supports the referrers API MUST NOT return 404": not even before the repository exists.
        HttpResponse<String> noRepository = registry.get("/v2/" + repo("no-such-repo") + "/referrers/"
                + sha256(bytes("any subject")));
        assertEquals(200, noRepository.statusCode(), noRepository.body());
        assertEquals(OCI_INDEX, noRepository.headers().firstValue("Content-Type").orElseThrow());
        JsonObject index = json(noRepository.body());
        assertEquals(2, index.getInt("schemaVersion"));
        assertEquals(0, index.getJsonArray("manifests").size());
    }

    // ---- content discovery

    @Test
    void tagsAreListedInLexicalOrderAndPaginatedWithLink() {
        String name = repo("tags");
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "tagged");
        // Upper case, punctuation and digits: a database collation other than byte order would mix these up.
        List<String> tags = List.of("b", "a", "C", "a1", "z", "0", "_x", "a-b", "a.b");
        for (String tag : tags) {
            assertEquals(201, registry.putManifest(name, tag, OCI_MANIFEST, manifest).statusCode());
        }
        List<String> sorted = tags.stream().sorted().toList();
        assertEquals(sorted, strings(json(registry.get("/v2/" + name + "/tags/list").body()).getJsonArray("tags")));

        List<String> walked = new ArrayList<>();
        String next = "/v2/" + name + "/tags/list?n=4";
        int pages = 0;
        while (next != null) {
            HttpResponse<String> page = registry.get(next);
            assertEquals(200, page.statusCode());
            walked.addAll(strings(json(page.body()).getJsonArray("tags")));
            next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
            pages++;
        }
        assertEquals(sorted, walked);
        assertEquals(3, pages);
        assertEquals(List.of("a-b", "a.b"), strings(json(registry.get("/v2/" + name + "/tags/list?n=2&last=a").body())
                .getJsonArray("tags")));
        assertEquals(0, json(registry.get("/v2/" + name + "/tags/list?n=0").body()).getJsonArray("tags").size());
        HttpResponse<String> badN = registry.get("/v2/" + name + "/tags/list?n=-1");
        assertEquals(400, badN.statusCode());
        HttpResponse<String> unknown = registry.get("/v2/" + repo("notags") + "/tags/list");
        assertEquals("NAME_UNKNOWN", errorCode(unknown));
    }

    @Test
    void theCatalogListsRepositoriesInOrderWithLink() {
        String prefix = repo("catalog");
        for (String suffix : new String[] {"c", "a", "b", "a_b", "a-b", "a.b"}) {
            registry.pushBlob(prefix + "/" + suffix, bytes(suffix));
        }
        List<String> all = new ArrayList<>();
        String next = "/v2/_catalog?n=2";
        while (next != null) {
            HttpResponse<String> page = registry.get(next);
            assertEquals(200, page.statusCode());
            List<String> names = strings(json(page.body()).getJsonArray("repositories"));
            assertTrue(names.size() <= 2);
            all.addAll(names);
            next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertEquals(all.stream().sorted().toList(), all);
        assertTrue(all.containsAll(List.of(prefix + "/a", prefix + "/b", prefix + "/c")));
        List<String> after = strings(json(registry.get("/v2/_catalog?n=1&last=" + prefix + "/a").body())
                .getJsonArray("repositories"));
        assertEquals(List.of(prefix + "/a-b"), after, "byte order: - before . before _ before letters");
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString)
                .toList();
    }

    // ---- bad input never harms stored data

    @Test
    void malformedNamesAndPathTricksAreNameInvalid() {
        String name = repo("victim");
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "precious");
        registry.putManifest(name, "keep", OCI_MANIFEST, manifest);
        for (String path : new String[] {"/v2/UPPER/tags/list", "/v2/a%2Fb/tags/list", "/v2/" + name
                + "/../x/tags/list", "/v2/a//b/tags/list", "/v2/-a/tags/list", "/v2/a/./b/tags/list",
                "/v2/" + "a".repeat(256) + "/tags/list", "/v2/a%2e%2e/tags/list"}) {
            HttpResponse<String> response = registry.get(path);
            assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, path + " " + response.statusCode());
            assertEquals("NAME_INVALID", errorCode(response), path);
        }
        HttpResponse<String> badPush = registry.send("POST", "/v2/Bad_Name/blobs/uploads/", null);
        assertEquals("NAME_INVALID", errorCode(badPush));
        HttpResponse<String> noSuchRoute = registry.get("/v2/" + name + "/nothing-here");
        assertEquals(404, noSuchRoute.statusCode());
        assertTrue(noSuchRoute.body().contains("\"errors\""));
        assertEquals(manifest, registry.get("/v2/" + name + "/manifests/keep").body());
    }

    // ---- concurrency

    @Test
    void twoClientsPushingTheSameBlobBothSucceed() throws Exception {
        String name = repo("sameblob");
        byte[] data = random(2 * 1024 * 1024, 11);
        List<Future<Integer>> results = run(8, i -> registry.send("POST", "/v2/" + name + "/blobs/uploads/?digest="
                + sha256(data), data).statusCode());
        for (Future<Integer> result : results) {
            assertEquals(201, result.get());
        }
        assertArrayEquals(data, registry.getBytes("/v2/" + name + "/blobs/" + sha256(data)).body());
    }

    @Test
    void concurrentPushesOfOneTagLeaveItOnOneOfThem() throws Exception {
        String name = repo("sametag");
        List<String> manifests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            manifests.add(registry.imageManifest(name, OCI_MANIFEST, "candidate " + i));
        }
        List<Future<Integer>> results = run(8, i -> registry.putManifest(name, "race", OCI_MANIFEST,
                manifests.get(i)).statusCode());
        for (Future<Integer> result : results) {
            assertEquals(201, result.get());
        }
        HttpResponse<String> tagged = registry.get("/v2/" + name + "/manifests/race");
        assertEquals(200, tagged.statusCode());
        assertTrue(manifests.contains(tagged.body()));
        assertEquals(List.of("race"), strings(json(registry.get("/v2/" + name + "/tags/list").body())
                .getJsonArray("tags")));
        Set<String> digests = new java.util.HashSet<>();
        manifests.forEach(m -> digests.add(sha256(bytes(m))));
        for (String digest : digests) {
            assertEquals(200, registry.send("HEAD", "/v2/" + name + "/manifests/" + digest, null).statusCode());
        }
    }

    @Test
    void concurrentFirstPushesCreateTheRepositoryOnce() throws Exception {
        String name = repo("create-race");
        List<Future<Integer>> results = run(8, i -> registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .statusCode());
        for (Future<Integer> result : results) {
            assertEquals(202, result.get());
        }
        long count = strings(json(registry.get("/v2/_catalog").body()).getJsonArray("repositories")).stream()
                .filter(name::equals).count();
        assertEquals(1, count);
    }

    private interface Task {
        Integer call(int i) throws Exception;
    }

    private static List<Future<Integer>> run(int n, Task task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                calls.add(() -> task.call(index));
            }
            return pool.invokeAll(calls);
        } finally {
            pool.shutdown();
        }
    }

    @SuppressWarnings("unused")
    private static void drain(InputStream in) {
        // reserved for streaming helpers
    }

    @Test
    void uploadsSurviveBadRequestsInTheMiddle() {
        String name = repo("resilient");
        byte[] data = random(4000, 12);
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        registry.send("PATCH", location, java.util.Arrays.copyOfRange(data, 0, 2000), "Content-Range", "0-1999");
        registry.send("PATCH", location, new byte[5], "Content-Range", "100-104"); // refused
        registry.send("PUT", location + "?digest=sha256:bogus", null); // refused, malformed digest
        HttpResponse<String> done = registry.send("PUT", location + "?digest=" + sha256(data),
                java.util.Arrays.copyOfRange(data, 2000, 4000), "Content-Range", "2000-3999");
        assertEquals(201, done.statusCode(), done.body());
        assertFalse(registry.getBytes("/v2/" + name + "/blobs/" + sha256(data)).body().length != 4000);
    }
}
