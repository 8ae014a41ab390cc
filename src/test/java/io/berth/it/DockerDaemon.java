package io.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A dockerd of a test's own, on a socket in the test's work directory (no Docker engine runs on the machine), with
 * vfs storage and no networking of its own: enough to build FROM scratch, push and pull. Registries on loopback are
 * insecure registries to Docker by default, so plain HTTP works.
 */
final class DockerDaemon implements AutoCloseable {

    private final Path directory;
    private final Process process;

    private DockerDaemon(Path directory, Process process) {
        this.directory = directory;
        this.process = process;
    }

    static DockerDaemon start(Path work) throws Exception {
        Command.require("dockerd");
        Path directory = Files.createDirectories(work.resolve("docker"));
        Process process = new ProcessBuilder("dockerd", "--data-root", directory + "/root", "--exec-root",
                directory + "/exec", "--pidfile", directory + "/pid", "-H", "unix://" + directory + "/docker.sock",
                "--storage-driver", "vfs", "--iptables=false", "--ip6tables=false", "--bridge=none",
                "--ip-masq=false", "--ip-forward=false")
                .redirectErrorStream(true).redirectOutput(directory.resolve("dockerd.log").toFile()).start();
        DockerDaemon daemon = new DockerDaemon(directory, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Command.tryRun(work, daemon.cli("info")).exitCode() != 0) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                daemon.close();
                throw new AssertionError("dockerd did not start: " + Files.readString(directory.resolve("dockerd.log")));
            }
            Thread.sleep(200);
        }
        return daemon;
    }

    /** A docker CLI command against this daemon. */
    String[] cli(String... args) {
        List<String> all = new ArrayList<>(List.of("docker", "-H", "unix://" + directory + "/docker.sock"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: dockerd stops its containerd too
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        // dockerd bind-mounts its data root onto itself and may leave the mount behind
        Command.tryRun(Path.of("/tmp"), "umount", "-l", directory.resolve("root").toString());
    }
}
