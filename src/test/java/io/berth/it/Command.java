package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client (skopeo, podman, buildah, docker) and fails the test with its output if it fails. */
final class Command {

    /** Environment variables for every command, such as where the clients keep registry credentials. */
    static final java.util.Map<String, String> ENVIRONMENT = new java.util.concurrent.ConcurrentHashMap<>();

    private Command() {
    }

    static String run(Path workDir, String... command) {
        Result result = tryRun(workDir, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + "\n" + result.output());
        return result.output();
    }

    record Result(int exitCode, String output) {
    }

    static Result tryRun(Path workDir, String... command) {
        try {
            Path log = Files.createTempFile(workDir, "cmd", ".log");
            ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(ENVIRONMENT);
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (is it installed? .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Fails clearly when a client is missing: the README's test command expects .ci/run's packages. */
    static void require(String binary) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return;
            }
        }
        throw new AssertionError(binary + " is not installed; .ci/run installs skopeo, podman, buildah, docker.io");
    }
}
