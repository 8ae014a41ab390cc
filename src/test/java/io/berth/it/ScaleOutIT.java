package io.berth.it;

import static io.berth.it.Command.run;
import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two Berth instances over one PostgreSQL database and one S3 bucket, with HAProxy round-robin in front, as the
 * README's "Scale-out" section describes: a client never notices which instance answers. Runs where
 * server-config/test.sh provides PostgreSQL and S3 (the run on PostgreSQL).
 */
@EnabledIfSystemProperty(named = "berth.it.blob.store", matches = "s3")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    private static final int BALANCER_PORT = 5070;
    private static final String BALANCER = "127.0.0.1:" + BALANCER_PORT;
    private static ServerProcess a;
    private static ServerProcess b;
    private static Process haproxy;
    private static Path work;

    @BeforeAll
    static void startTheCluster() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-scale-");
        a = new ServerProcess("scale-a", 5071, Map.of("BERTH_JAVA_OPTS", "-Xmx384m")).start();
        Map<String, String> shared = new HashMap<>(a.sharedWithOtherInstances());
        shared.put("BERTH_JAVA_OPTS", "-Xmx384m");
        b = new ServerProcess("scale-b", 5072, shared).start();
        // The first readiness check of an instance is slow (the health machinery starts): not under the balancer's
        // timer, which would take both instances out.
        for (ServerProcess instance : new ServerProcess[] {a, b}) {
            LifecycleIT.waitUntil(Duration.ofSeconds(30), () ->
                    instance.registry.as(null, null).get("/health/ready").statusCode() == 200);
        }
        Path config = work.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
                "defaults",
                "  mode http",
                "  timeout connect 5s",
                "  timeout client 300s",
                "  timeout server 300s",
                "frontend registry",
                "  bind 127.0.0.1:" + BALANCER_PORT,
                "  default_backend berth",
                "backend berth",
                "  balance roundrobin",
                // A new server for every request, not for every connection: the harshest balancing there is.
                "  option http-server-close",
                // An instance that stops answering its readiness check is taken out; a refused connection is tried
                // on the other instance.
                "  option httpchk GET /health/ready",
                "  timeout check 3s",
                "  retries 3",
                "  option redispatch",
                "  server a 127.0.0.1:5071 check inter 1s fall 3 rise 2",
                "  server b 127.0.0.1:5072 check inter 1s fall 3 rise 2",
                ""));
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("haproxy.log").toFile()).start();
        LifecycleIT.waitUntil(Duration.ofSeconds(20), () -> {
            try {
                return new RegistryHttp("http://" + BALANCER).get("/v2/").statusCode() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        }
        for (ServerProcess server : new ServerProcess[] {a, b}) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aChunkedUploadWhoseEveryChunkReachesTheOtherInstanceCompletes() {
        String name = "scale/chunks";
        byte[] blob = RegistryHttp.random((19 << 20) + 7, 16);
        String location = a.registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        int[] cuts = {0, 1000, 3 << 20, (3 << 20) + 5, 12 << 20, blob.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            RegistryHttp instance = i % 2 == 0 ? b.registry : a.registry;
            HttpResponse<String> chunk = instance.send("PATCH", location,
                    Arrays.copyOfRange(blob, cuts[i], cuts[i + 1]),
                    "Content-Range", cuts[i] + "-" + (cuts[i + 1] - 1), "Content-Type", "application/octet-stream");
            assertEquals(202, chunk.statusCode(), chunk.body());
            location = chunk.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> status = (i % 2 == 0 ? a.registry : b.registry).get(location);
            assertEquals("0-" + (cuts[i + 1] - 1), status.headers().firstValue("Range").orElseThrow(),
                    "the other instance sees the upload's progress");
        }
        HttpResponse<String> done = a.registry.send("PUT", location + (location.contains("?") ? "&" : "?")
                + "digest=" + sha256(blob), null);
        assertEquals(201, done.statusCode(), done.body());
        assertArrayEquals(blob, b.registry.getBytes("/v2/" + name + "/blobs/" + sha256(blob)).body());
        assertArrayEquals(blob, a.registry.getBytes("/v2/" + name + "/blobs/" + sha256(blob)).body());
    }

    @Test
    void aTagMovedOnOneInstanceIsServedByTheOtherWithinASecond() throws Exception {
        String name = "scale/tags";
        String first = a.registry.imageManifest(name, OCI_MANIFEST, "first " + UUID.randomUUID());
        assertEquals(201, a.registry.putManifest(name, "latest", OCI_MANIFEST, first).statusCode());
        assertEquals(first, b.registry.get("/v2/" + name + "/manifests/latest", "Accept", OCI_MANIFEST).body(),
                "B serves what A stored (and caches it)");

        String second = a.registry.imageManifest(name, OCI_MANIFEST, "second " + UUID.randomUUID());
        assertEquals(201, a.registry.putManifest(name, "latest", OCI_MANIFEST, second).statusCode());
        assertWithinASecond(() -> b.registry.get("/v2/" + name + "/manifests/latest", "Accept", OCI_MANIFEST)
                .body().equals(second), "B serves the moved tag");
        assertWithinASecond(() -> b.registry.get("/v2/" + name + "/tags/list").body().contains("latest"),
                "B lists the tag");

        assertEquals(202, b.registry.send("DELETE", "/v2/" + name + "/manifests/" + sha256(bytes(second)), null)
                .statusCode());
        assertWithinASecond(() -> a.registry.get("/v2/" + name + "/manifests/latest", "Accept", OCI_MANIFEST)
                .statusCode() == 404, "A no longer serves what B deleted");
    }

    @Test
    void credentialsAndTokensFromOneInstanceWorkOnTheOtherAndTheirRevocationReachesIt() throws Exception {
        AwsApis.Key key = AwsApis.createKey(a.registry.base, "admin", RegistryHttp.ADMIN_PASSWORD);
        String token = AwsApis.loginPassword(a.registry.base, key);
        assertEquals(200, b.registry.as("AWS", token).get("/v2/").statusCode(), "a login token issued by A works on B");
        assertEquals(200, AwsApis.iamSigned(b.registry.base, key, "Action", "ListAccessKeys").statusCode(),
                "an access key made on A signs requests to B (the shared server key opens its secret)");

        HttpResponse<String> deleted = AwsApis.iamSigned(a.registry.base, key, "Action", "DeleteAccessKey",
                "AccessKeyId", key.id());
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertWithinASecond(() -> b.registry.as("AWS", token).get("/v2/").statusCode() == 401,
                "B refuses the deleted key's token");
    }

    @Test
    void skopeoAndPodmanPushAndPullThroughTheBalancer() throws IOException {
        Command.require("skopeo");
        Path source = work.resolve("oci-source");
        OciLayout layout = new OciLayout(source);
        String image = layout.image("balanced " + UUID.randomUUID(), new String(RegistryHttp.random(3 << 20, 7),
                StandardCharsets.ISO_8859_1), "third");
        layout.index("v1", image);
        String creds = "admin:" + RegistryHttp.ADMIN_PASSWORD;
        Path digest = work.resolve("pushed.digest");
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", creds, "--digestfile",
                digest.toString(), "oci:" + source + ":v1", "docker://" + BALANCER + "/scale/skopeo:v1");
        assertEquals(OciLayout.digestOf(image), Files.readString(digest).trim());

        Path back = work.resolve("oci-back");
        run(work, "skopeo", "copy", "--src-tls-verify=false", "--src-creds", creds,
                "docker://" + BALANCER + "/scale/skopeo:v1", "oci:" + back + ":v1");
        String hex = OciLayout.digestOf(image).substring("sha256:".length());
        assertEquals(Files.readString(source.resolve("blobs/sha256/" + hex)),
                Files.readString(back.resolve("blobs/sha256/" + hex)), "the same manifest comes back");

        Command.require("podman");
        String[] podman = {"podman", "--root", work.resolve("podman-root").toString(), "--runroot",
                work.resolve("podman-run").toString(), "--storage-driver", "vfs"};
        run(work, concat(podman, "pull", "--tls-verify=false", "--creds", creds, BALANCER + "/scale/skopeo:v1"));
        run(work, concat(podman, "tag", BALANCER + "/scale/skopeo:v1", BALANCER + "/scale/podman:v2"));
        run(work, concat(podman, "push", "--tls-verify=false", "--creds", creds, BALANCER + "/scale/podman:v2"));
        assertEquals(200, b.registry.get("/v2/scale/podman/manifests/v2", "Accept",
                "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json")
                .statusCode());
    }

    @Test
    void everyInstanceSignsSchema1ConversionsWithTheSameKey() throws Exception {
        Command.require("skopeo");
        Path source = work.resolve("schema1-source");
        ImageFormatsIT.imageWithHistory(source);
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", "admin:" + RegistryHttp.ADMIN_PASSWORD,
                "--format", "v2s2", "oci:" + source + ":v1", "docker://127.0.0.1:5071/scale/legacy:v1");
        String schema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
        HttpResponse<String> fromA = a.registry.get("/v2/scale/legacy/manifests/v1", "Accept", schema1);
        assertEquals(schema1, fromA.headers().firstValue("Content-Type").orElseThrow(), fromA.body());
        ImageFormatsIT.verifiedJwsPayload(fromA.body());
        assertEquals(fromA.body(), b.registry.get("/v2/scale/legacy/manifests/v1", "Accept", schema1).body(),
                "one key, shared through the database: the same bytes from either instance");
    }

    @Test
    void dockerPushesAndPullsThroughTheBalancer() throws Exception {
        try (DockerDaemon docker = DockerDaemon.start(work)) {
            Path context = Files.createDirectories(work.resolve("docker-context"));
            Files.write(context.resolve("file"), RegistryHttp.random(2 << 20, 3));
            Files.writeString(context.resolve("Containerfile"), "FROM scratch\nCOPY file /file\n");
            String image = BALANCER + "/scale/docker:1";
            run(context, concat(new String[] {"env", "DOCKER_BUILDKIT=0"}, docker.cli("build", "-f", "Containerfile",
                    "-t", image, ".")));
            String id = run(context, docker.cli("image", "inspect", "--format", "{{.Id}}", image)).trim();
            run(context, docker.cli("login", "-u", "admin", "-p", RegistryHttp.ADMIN_PASSWORD, BALANCER));
            String push = run(context, docker.cli("push", image));
            String pushed = push.substring(push.indexOf("digest: ") + 8).split("\\s")[0];
            run(context, docker.cli("rmi", image));
            run(context, docker.cli("pull", image));
            assertEquals(id, run(context, docker.cli("image", "inspect", "--format", "{{.Id}}", image)).trim());
            assertEquals(pushed, a.registry.send("HEAD", "/v2/scale/docker/manifests/1", null, "Accept",
                    "application/vnd.docker.distribution.manifest.v2+json").headers()
                    .firstValue("Docker-Content-Digest").orElseThrow());
        }
    }

    /** Last: it kills an instance. */
    @Test
    @Order(Integer.MAX_VALUE)
    void killingAnInstanceWhileFourClientsPushLosesNoCompletedPush() throws Exception {
        Command.require("skopeo");
        String creds = "admin:" + RegistryHttp.ADMIN_PASSWORD;
        int clients = 4;
        int imagesEach = 3;
        Map<String, String> expected = new ConcurrentHashMap<>();
        AtomicInteger retried = new AtomicInteger();
        for (int client = 0; client < clients; client++) {
            for (int n = 0; n < imagesEach; n++) {
                Path layout = work.resolve("kill-" + client + "-" + n);
                OciLayout oci = new OciLayout(layout);
                String image = oci.image("client " + client + " image " + n, new String(RegistryHttp.random(4 << 20,
                        client * 10 + n), StandardCharsets.ISO_8859_1));
                oci.index("v" + n, image);
                expected.put("scale/kill-" + client + ":v" + n, OciLayout.digestOf(image));
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        List<Future<List<String>>> pushes = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            int id = client;
            pushes.add(threads.submit(() -> {
                List<String> failures = new ArrayList<>();
                for (int n = 0; n < imagesEach; n++) {
                    // skopeo retries what failed to connect; a request the balancer answers 502 (its instance died
                    // under it) ends the copy, and the client runs it again, as a pipeline's retry does.
                    Command.Result pushed = null;
                    for (int attempt = 0; attempt < 3 && (pushed == null || pushed.exitCode() != 0); attempt++) {
                        if (attempt > 0) {
                            retried.incrementAndGet();
                        }
                        pushed = Command.tryRun(work, "skopeo", "copy", "--retry-times", "5",
                                "--dest-tls-verify=false", "--dest-creds", creds,
                                "oci:" + work.resolve("kill-" + id + "-" + n) + ":v" + n,
                                "docker://" + BALANCER + "/scale/kill-" + id + ":v" + n);
                    }
                    if (pushed.exitCode() != 0) {
                        failures.add("scale/kill-" + id + ":v" + n + ": " + pushed.output());
                    }
                }
                return failures;
            }));
        }
        threads.shutdown();
        Thread.sleep(3000); // the clients are in the middle of their pushes
        b.kill();
        List<String> failures = new ArrayList<>();
        for (var push : pushes) {
            failures.addAll(push.get(10, TimeUnit.MINUTES));
        }
        assertEquals(List.of(), failures, "every client's retries succeeded");
        System.out.println("scale-out: " + retried.get() + " of " + clients * imagesEach
                + " pushes were run again after the kill");
        expected.forEach((image, digest) -> {
            String repository = image.substring(0, image.indexOf(':'));
            String tag = image.substring(image.indexOf(':') + 1);
            HttpResponse<String> manifest = a.registry.get("/v2/" + repository + "/manifests/" + tag, "Accept",
                    OCI_MANIFEST);
            assertEquals(digest, manifest.headers().firstValue("Docker-Content-Digest").orElseThrow(), image);
            LifecycleIT.assertPullsCompletely(a.registry, repository, tag);
        });

        // The outbox is delivered by whichever instance holds its lease; with B gone, A takes the lease over within
        // its term and delivers every push's event, those B committed before it died included.
        LifecycleIT.waitUntil(Duration.ofSeconds(40), () -> {
            List<JsonObject> usage = RegistryHttp.json(a.registry.get("/berth/usage").body()).getJsonArray("usage")
                    .getValuesAs(JsonObject.class);
            for (int client = 0; client < clients; client++) {
                String repository = "scale/kill-" + client;
                if (usage.stream().filter(row -> row.getString("repositoryName").equals(repository))
                        .mapToInt(row -> row.getInt("pushes")).sum() < imagesEach) {
                    return false;
                }
            }
            return true;
        });
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    private static void assertWithinASecond(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within a second");
            }
            Thread.sleep(50);
        }
    }
}
