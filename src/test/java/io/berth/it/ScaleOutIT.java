package io.berth.it;

import static io.berth.it.Command.run;
import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two Berth instances over one PostgreSQL database and one S3 bucket, with HAProxy round-robin in front, as the
 * README's "Scale-out" section describes: a client never notices which instance answers. Runs where
 * server-config/test.sh provides PostgreSQL and S3 (the run on PostgreSQL).
 */
@EnabledIfSystemProperty(named = "berth.it.blob.store", matches = "s3")
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
        Map<String, String> shared = new HashMap<>();
        shared.put("BERTH_DB_URL", TestDatabase.forServer("scale_out_" + UUID.randomUUID().toString()
                .substring(0, 8)).orElseThrow());
        shared.put("BERTH_DB_USER", "berth");
        shared.put("BERTH_S3_BUCKET", TestBlobStorage.bucketFor("scale-out-" + UUID.randomUUID()));
        shared.put("BERTH_SERVER_KEY_FILE", work.resolve("server.key").toString());
        shared.put("BERTH_JAVA_OPTS", "-Xmx384m");
        a = new ServerProcess("scale-a", 5071, shared).start();
        b = new ServerProcess("scale-b", 5072, shared).start();
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
                "  server a 127.0.0.1:5071",
                "  server b 127.0.0.1:5072",
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
                java.nio.charset.StandardCharsets.ISO_8859_1), "third");
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
