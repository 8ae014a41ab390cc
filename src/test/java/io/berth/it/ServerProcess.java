package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Berth started with the README's own run script, in a data directory of its own, with settings that the shared
 * Arquillian deployment cannot have (short timers, a small heap): stopped gracefully, killed, started again.
 */
final class ServerProcess implements AutoCloseable {

    final Path data;
    final RegistryHttp registry;
    private final int port;
    private final Map<String, String> settings;
    private final String bucket;
    private Process process;

    /** A server on {@code port} in a new data directory under the tests' directory; {@code settings} are BERTH_… */
    ServerProcess(String name, int port, Map<String, String> settings) {
        try {
            Path itDir = Files.createDirectories(Path.of(System.getProperty("berth.it.dir", "target/it")));
            this.data = Files.createTempDirectory(itDir.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = port;
        this.settings = new HashMap<>(settings);
        // A database and a bucket of its own, unless the settings name shared ones (instances of one registry).
        this.bucket = settings.getOrDefault("BERTH_S3_BUCKET", TestBlobStorage.bucketFor(data.getFileName().toString()));
        this.settings.putAll(TestBlobStorage.settings(bucket));
        if (!settings.containsKey("BERTH_DB_URL")) {
            TestDatabase.forServer(data.getFileName().toString()).ifPresent(url -> {
                this.settings.put("BERTH_DB_URL", url);
                this.settings.put("BERTH_DB_USER", "berth");
            });
        }
        this.registry = new RegistryHttp("http://127.0.0.1:" + port);
    }

    ServerProcess start() throws Exception {
        Path project = Path.of(System.getProperty("user.dir"));
        ProcessBuilder builder = new ProcessBuilder(project.resolve("server-config/run.sh").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("server.log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("BERTH_SKIP_BUILD", "1");
        env.put("BERTH_PORT", String.valueOf(port));
        env.put("BERTH_DATA_DIR", data.toString());
        env.put("BERTH_ADMIN_PASSWORD", RegistryHttp.ADMIN_PASSWORD);
        env.putAll(settings);
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                int status = registry.get("/v2/").statusCode();
                // 401 too: a server started without BERTH_ADMIN_PASSWORD has a password of its own making; 308: one
                // that sends plain HTTP to HTTPS.
                if (status == 200 || status == 401 || status == 308) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // connection refused while it starts
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("server did not start: " + log());
            }
            Thread.sleep(250);
        }
    }

    /** SIGTERM to the run script, which exec'd java. */
    void stopGracefully() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the server");
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }

    /**
     * The settings that make another server an instance of the same registry: the same database, bucket and server
     * key. Only on PostgreSQL and S3 (server-config/test.sh's run on PostgreSQL): H2 and a data directory are one
     * instance's alone.
     */
    Map<String, String> sharedWithOtherInstances() {
        if (!TestBlobStorage.onS3() || !settings.containsKey("BERTH_DB_URL")) {
            throw new IllegalStateException("instances share a registry only on PostgreSQL and S3");
        }
        return Map.of("BERTH_DB_URL", settings.get("BERTH_DB_URL"), "BERTH_DB_USER", "berth",
                "BERTH_S3_BUCKET", bucket, "BERTH_SERVER_KEY_FILE", settings.getOrDefault("BERTH_SERVER_KEY_FILE",
                        data.resolve("keys/server.key").toString()));
    }

    /** The digests ({@code sha256:<hex>}) of the blobs in the server's store. */
    Set<String> blobFiles() throws IOException {
        return TestBlobStorage.blobs(data, bucket);
    }

    /** Stores a blob that no database row names. */
    void putOrphanBlob(String sha256Hex, byte[] content) throws IOException {
        TestBlobStorage.putOrphan(data, bucket, sha256Hex, content);
    }

    String log() {
        try {
            return Files.readString(data.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
