package io.berth.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Files and directories only the server's own user may read: everything under the data directory holds image
 * content, secrets or the database. Where the file system has no POSIX permissions this does nothing.
 */
public final class OwnerOnly {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final String FILE = "rw-------";
    private static final String DIRECTORY = "rwx------";

    private OwnerOnly() {
    }

    /** Attributes that create a file readable and writable by its owner only. */
    public static FileAttribute<?>[] file() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(FILE))} : new FileAttribute<?>[0];
    }

    /** Writes a new file that only its owner may read, created with those permissions (never readable before). */
    public static void write(Path file, byte[] content) throws IOException {
        Files.write(Files.createFile(file, file()), content);
    }

    /** Creates the directory and its missing parents, each owner-only; an existing one is left as it is. */
    public static Path directory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return directory;
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            directory(parent);
        }
        try {
            return POSIX ? Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(DIRECTORY))) : Files.createDirectory(directory);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            return directory; // another thread made it: same permissions
        }
    }

    /** Makes a file or directory, and everything under a directory, owner-only. */
    public static void restrictTree(Path root) throws IOException {
        if (!POSIX || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                restrict(path);
            }
        }
    }

    /** Makes one file or directory owner-only. */
    public static void restrict(Path path) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? DIRECTORY : FILE));
        }
    }
}
