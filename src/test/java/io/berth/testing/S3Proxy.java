package io.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 server for tests: s3proxy (from Maven Central, copied to target/ by the build) on its file system
 * backend, on a free loopback port, with one access key. Stopped by {@link #close()}, or with the JVM.
 */
public final class S3Proxy implements AutoCloseable {

    public static final String ACCESS_KEY_ID = "berth-test";
    public static final String SECRET_ACCESS_KEY = "berth-test-secret";

    private final Process process;
    private final URI endpoint;

    private S3Proxy(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts a server keeping its buckets under {@code directory}. */
    public static S3Proxy start(Path directory) {
        try {
            Files.createDirectories(directory.resolve("buckets"));
            int port;
            try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            URI endpoint = URI.create("http://127.0.0.1:" + port);
            Path properties = directory.resolve("s3proxy.properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY_ID,
                    "s3proxy.credential=" + SECRET_ACCESS_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + directory.resolve("buckets").toAbsolutePath()) + "\n");
            String jar = System.getProperty("berth.test.s3proxy.jar", "target/s3proxy.jar");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process process = new ProcessBuilder(java, "-Xmx1g", "-jar", jar, "--properties", properties.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("s3proxy.log").toFile()))
                    .start();
            S3Proxy server = new S3Proxy(process, endpoint);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            server.awaitListening(port);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start s3proxy", e);
        }
    }

    private void awaitListening(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("s3proxy exited with " + process.exitValue() + "; see its log");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        close();
        throw new IOException("s3proxy did not listen on " + port + " within 60 s");
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
