package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection online, under fire: clients keep pushing images that share layers (uploading, skipping blobs
 * the registry has, mounting them across repositories) while another deletes images and collection runs again and
 * again with no grace period at all. At the end every remaining image pulls completely with verified digests, and
 * a last collection leaves exactly the blobs they reference. {@code berth.stress.seconds} sets how long it runs
 * (short in the test command; {@code mvn verify -Pstress} runs it for ten minutes).
 */
class CollectionStressIT {

    private static final int PORT = 5059;
    private static final List<String> REPOSITORIES = List.of("stress/a", "stress/b");
    private static final int LAYERS = 12;
    private static ServerProcess server;
    private static RegistryHttp registry;
    /**
     * Where the images are pushed: on PostgreSQL and S3, another instance of the same registry, so that collection
     * on one instance runs against pushes on the other; otherwise the same server.
     */
    private static ServerProcess otherInstance;
    private static RegistryHttp pushes;

    private final AtomicLong pushed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong mounted = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        server = new ServerProcess("stress", PORT, Map.of("BERTH_GC_GRACE_SECONDS", "0",
                "BERTH_GC_INTERVAL_SECONDS", "1", "BERTH_JAVA_OPTS", "-Xmx384m")).start();
        registry = server.registry;
        pushes = registry;
        if (TestBlobStorage.onS3()) {
            Map<String, String> shared = new java.util.HashMap<>(server.sharedWithOtherInstances());
            shared.put("BERTH_JAVA_OPTS", "-Xmx384m");
            otherInstance = new ServerProcess("stress-other", 5073, shared).start();
            pushes = otherInstance.registry;
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
        if (otherInstance != null) {
            otherInstance.close();
        }
    }

    @Test
    void everyRemainingImagePullsCompletelyAfterPushesDeletesAndCollectionsRanTogether() throws Exception {
        long seconds = Long.getLong("berth.stress.seconds", 20);
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService threads = Executors.newFixedThreadPool(5);
        List<Future<?>> work = new ArrayList<>();
        for (int pusher = 0; pusher < 3; pusher++) {
            int id = pusher;
            work.add(threads.submit(() -> push(id, deadline)));
        }
        work.add(threads.submit(() -> deleteImages(deadline)));
        work.add(threads.submit(() -> collectRepeatedly(deadline)));
        threads.shutdown();
        for (Future<?> future : work) {
            future.get(); // rethrows a failed request
        }

        // What is left, after a last collection with nobody pushing: every image whole, every unused blob gone.
        collectOnce(registry);
        Set<String> referenced = new TreeSet<>();
        int images = assertEveryImagePullsCompletely(registry, referenced);
        System.out.printf("stress: %d s, %d images pushed (%d pushes refused and retried, %d blobs mounted),"
                        + " %d deleted, %d collections, %d images left with %d blobs%n", seconds, pushed.get(),
                refused.get(), mounted.get(), deleted.get(), collections.get(), images, referenced.size());
        assertTrue(pushed.get() > 0 && deleted.get() > 0 && collections.get() > 0, "everything ran");
        assertTrue(images > 0, "some images are left to check");
        assertEquals(referenced, server.blobFiles(),
                "the store holds exactly the blobs the remaining images reference");
    }

    @Test
    void aCollectionKilledMidwayIsFinishedByTheNextRunAndLosesNothingReferenced() throws Exception {
        // A server of its own that collects only when asked, so that the kill lands inside one long run.
        try (ServerProcess crashing = new ServerProcess("crash", PORT + 1, Map.of("BERTH_GC_GRACE_SECONDS", "0",
                "BERTH_GC_INTERVAL_SECONDS", "86400")).start()) {
            RegistryHttp http = crashing.registry;
            String repository = "stress/crash";
            byte[] config = bytes("{\"kept\":true}");
            byte[] layer = RegistryHttp.random(4096, -1);
            http.pushBlob(repository, config);
            http.pushBlob(repository, layer);
            assertEquals(201, http.putManifest(repository, "kept", OCI_MANIFEST, manifest(config, List.of(layer)))
                    .statusCode());
            ExecutorService uploaders = Executors.newFixedThreadPool(4);
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < 4_000; i++) {
                byte[] garbage = bytes("garbage " + i);
                uploads.add(uploaders.submit(() -> http.pushBlob(repository, garbage)));
            }
            for (Future<?> upload : uploads) {
                upload.get();
            }
            uploaders.shutdown();

            assertEquals(202, http.send("POST", "/berth/gc", null).statusCode());
            JsonObject[] atKill = new JsonObject[1];
            LifecycleIT.waitUntil(Duration.ofSeconds(60), () -> {
                HttpResponse<String> report = http.get("/berth/gc");
                atKill[0] = report.statusCode() == 200 ? RegistryHttp.json(report.body()) : null;
                return atKill[0] != null && atKill[0].getJsonNumber("blobsDeleted").longValue() > 0;
            });
            crashing.kill();
            System.out.println("stress: killed during collection " + atKill[0]);
            // A file no row names, as an upload killed between publishing its bytes and committing leaves one.
            byte[] orphan = bytes("published, never recorded");
            String orphanHex = sha256(orphan).substring("sha256:".length());
            crashing.putOrphanBlob(orphanHex, orphan);
            crashing.start();
            // The killed instance's lease lapses within its period (30 s): until then the new one answers 409.
            collectOnce(http);
            Set<String> referenced = new TreeSet<>();
            assertEquals(1, assertEveryImagePullsCompletely(http, referenced));
            assertEquals(referenced, crashing.blobFiles(),
                    "the next run finished the killed one's deletions and removed the orphan file");
            assertEquals(404, http.send("HEAD", "/v2/" + repository + "/blobs/" + sha256(bytes("garbage 1")), null)
                    .statusCode());
        }
    }

    /** Pulls every tagged image of every repository; adds the blobs they reference to {@code referenced}. */
    private static int assertEveryImagePullsCompletely(RegistryHttp registry, Set<String> referenced) {
        int images = 0;
        JsonObject catalog = RegistryHttp.json(registry.get("/v2/_catalog?n=1000").body());
        for (JsonString name : catalog.getJsonArray("repositories").getValuesAs(JsonString.class)) {
            String repository = name.getString();
            for (String tag : tags(registry, repository)) {
                LifecycleIT.assertPullsCompletely(registry, repository, tag);
                referenced.addAll(blobsOf(registry.get("/v2/" + repository + "/manifests/" + tag,
                        "Accept", OCI_MANIFEST).body()));
                images++;
            }
        }
        return images;
    }

    /** Pushes images (a unique config, three of a few shared layers) the way docker does, until the deadline. */
    private void push(int pusher, long deadline) {
        Random random = new Random(pusher);
        for (int n = 0; running(deadline); n++) {
            String repository = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
            byte[] config = bytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"pusher\":" + pusher + ",\"n\":" + n
                    + "}");
            List<byte[]> layers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                layers.add(layer(random.nextInt(LAYERS)));
            }
            String manifest = manifest(config, layers);
            String tag = "p" + pusher + "-" + n;
            for (int attempt = 0; ; attempt++) {
                ensureBlob(repository, config);
                layers.forEach(layer -> ensureBlob(repository, layer));
                HttpResponse<String> put = pushes.putManifest(repository, tag, OCI_MANIFEST, manifest);
                if (put.statusCode() == 201) {
                    pushed.incrementAndGet();
                    break;
                }
                // Collection took a blob between the check and the manifest (no grace period here): push again.
                assertEquals(400, put.statusCode(), put.body());
                assertEquals("MANIFEST_BLOB_UNKNOWN", RegistryHttp.errorCode(put));
                refused.incrementAndGet();
                assertTrue(attempt < 50, "a push keeps being refused");
            }
        }
    }

    /**
     * Whether the workers go on: until the deadline, and past it (for at most a minute more) until some images were
     * pushed and deleted, so that a slow machine still exercises pushes, deletes and collections together.
     */
    private boolean running(long deadline) {
        long now = System.nanoTime();
        return now < deadline || (pushed.get() < 20 || deleted.get() < 5)
                && now < deadline + Duration.ofSeconds(60).toNanos();
    }

    /** HEAD, then a mount from the other repository, then an upload: what docker and skopeo do. */
    private void ensureBlob(String repository, byte[] content) {
        String digest = sha256(content);
        int head = pushes.send("HEAD", "/v2/" + repository + "/blobs/" + digest, null).statusCode();
        if (head == 200) {
            return;
        }
        assertEquals(404, head);
        String from = REPOSITORIES.get(1 - REPOSITORIES.indexOf(repository));
        HttpResponse<String> mount = pushes.send("POST", "/v2/" + repository + "/blobs/uploads/?mount=" + digest
                + "&from=" + from, null);
        if (mount.statusCode() == 201) {
            mounted.incrementAndGet();
            return;
        }
        assertEquals(202, mount.statusCode(), mount.body());
        String location = mount.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> put = pushes.send("PUT", location + (location.contains("?") ? "&" : "?")
                + "digest=" + digest, content, "Content-Type", "application/octet-stream");
        assertEquals(201, put.statusCode(), put.body());
    }

    private void deleteImages(long deadline) {
        Random random = new Random(99);
        while (running(deadline)) {
            String repository = REPOSITORIES.get(random.nextInt(REPOSITORIES.size()));
            List<String> tags = tags(repository);
            if (tags.size() > 3) {
                String tag = tags.get(random.nextInt(tags.size()));
                HttpResponse<String> head = registry.send("HEAD", "/v2/" + repository + "/manifests/" + tag, null,
                        "Accept", OCI_MANIFEST);
                if (head.statusCode() == 200) {
                    String digest = head.headers().firstValue("Docker-Content-Digest").orElseThrow();
                    int status = registry.send("DELETE", "/v2/" + repository + "/manifests/" + digest, null)
                            .statusCode();
                    assertTrue(status == 202 || status == 404, "delete answered " + status);
                    deleted.incrementAndGet();
                }
            }
            sleep(30);
        }
    }

    /** On demand, besides the 1-second timer: a 409 means one is running already. */
    private void collectRepeatedly(long deadline) {
        while (running(deadline)) {
            int status = registry.send("POST", "/berth/gc", null).statusCode();
            assertTrue(status == 202 || status == 409, "collection answered " + status);
            sleep(200);
        }
    }

    /** Starts a collection (once none runs and no stopped instance's lease is left) and waits for it to complete. */
    private void collectOnce(RegistryHttp registry) throws InterruptedException {
        HttpResponse<String> last = registry.get("/berth/gc");
        int before = last.statusCode() == 200 ? RegistryHttp.json(last.body()).getInt("id") : 0;
        LifecycleIT.waitUntil(Duration.ofSeconds(90), () -> {
            HttpResponse<String> start = registry.send("POST", "/berth/gc", null);
            assertTrue(start.statusCode() == 202 || start.statusCode() == 409, start.body());
            return start.statusCode() == 202;
        });
        LifecycleIT.waitUntil(Duration.ofSeconds(90), () -> {
            JsonObject report = RegistryHttp.json(registry.get("/berth/gc").body());
            if (report.getInt("id") <= before || report.getString("state").equals("RUNNING")) {
                return false;
            }
            collections.set(report.getInt("id"));
            assertEquals("COMPLETE", report.getString("state"), report.toString());
            return true;
        });
    }

    /** The first page of a repository's tags: enough to pick images to delete from. */
    private static List<String> tags(String repository) {
        return tagPage(registry, repository, null);
    }

    /** All of a repository's tags, page after page (a page holds at most 10,000). */
    private static List<String> tags(RegistryHttp registry, String repository) {
        List<String> all = new ArrayList<>();
        for (List<String> page = tagPage(registry, repository, null); !page.isEmpty();
             page = tagPage(registry, repository, page.get(page.size() - 1))) {
            all.addAll(page);
        }
        return all;
    }

    private static List<String> tagPage(RegistryHttp registry, String repository, String last) {
        HttpResponse<String> list = registry.get("/v2/" + repository + "/tags/list?n=10000"
                + (last == null ? "" : "&last=" + last));
        if (list.statusCode() == 404) {
            return List.of();
        }
        assertEquals(200, list.statusCode(), list.body());
        JsonObject json = RegistryHttp.json(list.body());
        return json.isNull("tags") ? List.of() : json.getJsonArray("tags").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    private static Set<String> blobsOf(String manifest) {
        JsonObject json = RegistryHttp.json(manifest);
        return Stream.concat(Stream.of(json.getJsonObject("config")),
                        json.getJsonArray("layers").getValuesAs(JsonObject.class).stream())
                .map(descriptor -> descriptor.getString("digest")).collect(Collectors.toSet());
    }

    private static byte[] layer(int index) {
        return RegistryHttp.random(64 * 1024, index);
    }

    private static String manifest(byte[] config, List<byte[]> layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            json.append(i > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",")
                    .append("\"digest\":\"").append(sha256(layers.get(i))).append("\",\"size\":")
                    .append(layers.get(i).length).append('}');
        }
        return json.append("]}").toString();
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
