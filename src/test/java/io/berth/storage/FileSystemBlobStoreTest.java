package io.berth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.storage.BlobStore.UploadProgress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BlobStore contract on the file system, and what is the file system's own. */
class FileSystemBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path root;

    @Override
    BlobStore store() throws IOException {
        return new FileSystemBlobStore(root);
    }

    @Test
    void strayFilesAreNotBlobs() throws IOException {
        BlobStore store = store();
        Files.writeString(root.resolve("blobs/stray-file"), "not a blob");
        Files.createDirectories(root.resolve("blobs/sha256/ab"));
        Files.writeString(root.resolve("blobs/sha256/ab/not-hex"), "not a blob");
        try (var listed = store.list()) {
            assertEquals(0, listed.count());
        }
    }

    @Test
    void uploadIdsCannotEscapeTheUploadDirectory() throws IOException {
        BlobStore store = store();
        assertThrows(IllegalArgumentException.class, () -> store.append("../blobs/x", UploadProgress.START,
                new ByteArrayInputStream(new byte[1]), (b, o, l) -> { }));
        assertThrows(IllegalArgumentException.class, () -> store.deleteUpload("a/b"));
    }
}
