package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.random;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * State survives the server: started with the README's own run script on a small heap, stopped with SIGTERM or
 * killed with SIGKILL in the middle of uploads, and started again on the same data directory.
 */
class RestartIT {

    private static final int PORT = 5057;
    private final RegistryHttp registry = new RegistryHttp("http://127.0.0.1:" + PORT);
    private ServerProcess server;
    private Path data;

    @BeforeEach
    void freshDataDirectory() {
        server = new ServerProcess("restart-data", PORT, Map.of("BERTH_JAVA_OPTS", "-Xmx256m",
                "BERTH_TOKEN_SECONDS", String.valueOf(TOKEN_SECONDS), "BERTH_ANONYMOUS_PULL", "true"));
        data = server.data;
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private void start() throws Exception {
        server.start();
    }

    private void stopGracefully() throws InterruptedException {
        server.stopGracefully();
    }

    private void kill() throws InterruptedException {
        server.kill();
    }

    /** Login tokens live this long here, so that a test can watch one expire. */
    private static final int TOKEN_SECONDS = 4;

    @Test
    void loginTokensExpireAndTheGeneratedAdministratorPasswordIsNotUsed() throws Exception {
        start();
        // run.sh serves no metrics unless BERTH_METRICS=true; readiness answers anyone.
        int metrics = registry.as(null, null).get("/metrics").statusCode();
        assertTrue(metrics == 403 || metrics == 404, "/metrics answered " + metrics);
        assertEquals(200, registry.as(null, null).get("/health/ready").statusCode());
        String token = AwsApis.loginPassword(registry.base,
                AwsApis.createKey(registry.base, "admin", RegistryHttp.ADMIN_PASSWORD));
        RegistryHttp withToken = registry.as("AWS", token);
        assertEquals(200, withToken.get("/v2/").statusCode());
        Thread.sleep((TOKEN_SECONDS + 1) * 1000L);
        HttpResponse<String> expired = withToken.get("/v2/");
        assertEquals(401, expired.statusCode());
        assertEquals("UNAUTHORIZED", RegistryHttp.errorCode(expired));
        String message = RegistryHttp.json(expired.body()).getJsonArray("errors").getJsonObject(0).getString("message");
        assertTrue(message.startsWith("the login token expired at "), message);
        // BERTH_ADMIN_PASSWORD was given: no generated password file is written.
        assertFalse(Files.exists(data.resolve("admin-password")));
        // The run script's banner says where the registry is, and the access-key script makes a key that works.
        assertTrue(server.log().contains("Berth is ready at http://127.0.0.1:" + PORT), server.log());
        ProcessBuilder keyScript = new ProcessBuilder(Path.of(System.getProperty("user.dir"))
                .resolve("server-config/access-key.sh").toString()).redirectErrorStream(true);
        keyScript.environment().putAll(Map.of("REGISTRY", "127.0.0.1:" + PORT, "BERTH_ADMIN_PASSWORD",
                RegistryHttp.ADMIN_PASSWORD, "BERTH_DATA_DIR", data.toString()));
        Process made = keyScript.start();
        String exported = new String(made.getInputStream().readAllBytes()).trim();
        assertEquals(0, made.waitFor(), exported);
        var pasted = java.util.regex.Pattern.compile("export AWS_ACCESS_KEY_ID=(\\S+) AWS_SECRET_ACCESS_KEY=(\\S+)"
                + " AWS_DEFAULT_REGION=us-east-1").matcher(exported);
        assertTrue(pasted.matches(), exported);
        try (var ecr = AwsApis.ecr(registry.base, new AwsApis.Key(pasted.group(1), pasted.group(2)))) {
            assertEquals(0, ecr.describeRepositories().repositories().size());
        }

        // BERTH_ANONYMOUS_PULL: pulls need no credentials, everything else still does.
        String name = "public/app";
        String manifest = registry.imageManifest(name, RegistryHttp.OCI_MANIFEST, "public layer");
        assertEquals(201, registry.putManifest(name, "v1", RegistryHttp.OCI_MANIFEST, manifest).statusCode());
        RegistryHttp anonymous = registry.as(null, null);
        assertEquals(200, anonymous.get("/v2/" + name + "/manifests/v1", "Accept", RegistryHttp.OCI_MANIFEST)
                .statusCode());
        assertEquals(200, anonymous.get("/v2/" + name + "/tags/list").statusCode());
        assertEquals(401, anonymous.send("PUT", "/v2/" + name + "/manifests/v2", manifest.getBytes(),
                "Content-Type", RegistryHttp.OCI_MANIFEST).statusCode());
        assertEquals(401, anonymous.get("/v2/_catalog").statusCode());
    }

    @Test
    void aGeneratedAdministratorPasswordIsKeptInAFileUntilItIsChanged() throws Exception {
        server.close();
        server = new ServerProcess("generated-password", PORT, Map.of("BERTH_ADMIN_PASSWORD", ""));
        data = server.data;
        server.start();
        Path file = data.resolve("admin-password");
        String generated = Files.readString(file).trim();
        LifecycleIT.waitUntil(java.time.Duration.ofSeconds(10), () -> server.log().contains("its password is in "
                + file));
        RegistryHttp admin = registry.as("admin", generated);
        assertEquals(200, admin.get("/v2/").statusCode());
        AwsApis.Key key = AwsApis.createKey(registry.base, "admin", generated);
        HttpResponse<String> changed = AwsApis.iamSigned(registry.base, key, "Action", "UpdateLoginProfile",
                "UserName", "admin", "Password", "a-chosen-password-2026");
        assertEquals(200, changed.statusCode(), changed.body());
        assertFalse(Files.exists(file), "the file with the old password is gone");
        assertEquals(200, registry.as("admin", "a-chosen-password-2026").get("/v2/").statusCode());
    }

    @Test
    void imagesAndAnInterruptedUploadSurviveARestart() throws Exception {
        start();
        String name = "restart/app";
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "survives restarts");
        assertEquals(201, registry.putManifest(name, "v1", OCI_MANIFEST, manifest).statusCode());

        byte[] blob = random(8 * 1024 * 1024, 42);
        int half = blob.length / 2;
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        assertEquals(202, registry.send("PATCH", location, Arrays.copyOfRange(blob, 0, half),
                "Content-Range", "0-" + (half - 1)).statusCode());

        stopGracefully();
        start();

        assertEquals(manifest, registry.get("/v2/" + name + "/manifests/v1").body());
        assertEquals(manifest, registry.get("/v2/" + name + "/manifests/" + sha256(bytes(manifest))).body());
        HttpResponse<String> status = registry.get(location);
        assertEquals(204, status.statusCode());
        assertEquals("0-" + (half - 1), status.headers().firstValue("Range").orElseThrow());
        HttpResponse<String> done = registry.send("PUT", location + "?digest=" + sha256(blob),
                Arrays.copyOfRange(blob, half, blob.length), "Content-Range", half + "-" + (blob.length - 1));
        assertEquals(201, done.statusCode(), done.body());
        assertArrayEquals(blob, registry.getBytes("/v2/" + name + "/blobs/" + sha256(blob)).body());
        stopGracefully();
    }

    @Test
    void aServerKilledDuringUploadsKeepsCompletedImagesAndShowsNoPartialBlob() throws Exception {
        start();
        String name = "restart/killed";
        String manifest = registry.imageManifest(name, OCI_MANIFEST, "completed before the crash");
        assertEquals(201, registry.putManifest(name, "stable", OCI_MANIFEST, manifest).statusCode());

        // A large upload, streamed slowly, is cut off by SIGKILL.
        long size = 512L * 1024 * 1024;
        String location = registry.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        HttpRequest patch = HttpRequest.newBuilder(URI.create(registry.base + location))
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new SlowZeros(size)))
                .header("Authorization", RegistryHttp.basic("admin", RegistryHttp.ADMIN_PASSWORD)).build();
        CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).build().sendAsync(patch, HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1500);
        kill();
        inFlight.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        start();

        assertEquals(manifest, registry.get("/v2/" + name + "/manifests/stable").body());
        String wholeBody = zerosDigest(size);
        assertEquals(404, registry.send("HEAD", "/v2/" + name + "/blobs/" + wholeBody, null).statusCode());
        assertEquals(2, server.blobFiles().size(), "only the config and layer of the completed image");
        HttpResponse<String> status = registry.get(location);
        assertEquals(204, status.statusCode(), "the interrupted upload can be resumed");
        long received = Long.parseLong(status.headers().firstValue("Range").orElseThrow().split("-")[1]) + 1;
        assertTrue(received < size, "the upload was cut short: " + received);
        stopGracefully();
    }

    private static String zerosDigest(long size) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        byte[] zeros = new byte[1 << 20];
        for (long done = 0; done < size; done += zeros.length) {
            sha.update(zeros, 0, (int) Math.min(zeros.length, size - done));
        }
        return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** Zeros, delivered in small slices with pauses, so that a kill lands in the middle of the body. */
    private static final class SlowZeros extends InputStream {
        private long remaining;

        SlowZeros(long size) {
            this.remaining = size;
        }

        @Override
        public int read() {
            return remaining-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0) {
                return -1;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int n = (int) Math.min(Math.min(len, 64 * 1024), remaining);
            Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }
    }
}
