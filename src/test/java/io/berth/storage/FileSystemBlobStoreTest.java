package io.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract every BlobStore keeps, run against the file system implementation. */
class FileSystemBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void listNamesEveryPublishedBlobAndNothingElse() throws IOException {
        BlobStore store = new FileSystemBlobStore(root);
        byte[] data = "listed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MessageDigest hasher = Digest.newMessageDigest("sha256");
        store.createUpload("listed");
        store.append("listed", 0, new ByteArrayInputStream(data), hasher);
        store.publish("listed", Digest.of("sha256", hasher.digest()));
        store.createUpload("in-progress");
        java.nio.file.Files.writeString(root.resolve("blobs/stray-file"), "not a blob");
        try (var listed = store.list()) {
            assertEquals(java.util.List.of(new BlobStore.StoredBlob(Digest.sha256(data), data.length)),
                    listed.toList());
        }
    }

    @Test
    void appendedChunksArePublishedUnderTheirDigestAndHashedWhileWritten() throws IOException {
        BlobStore store = new FileSystemBlobStore(root);
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        MessageDigest hasher = Digest.newMessageDigest("sha256");

        store.createUpload("u1");
        long size = store.append("u1", 0, new ByteArrayInputStream(data, 0, 1000), hasher);
        assertEquals(1000, size);
        size = store.append("u1", 1000, new ByteArrayInputStream(data, 1000, data.length - 1000), hasher);
        assertEquals(data.length, size);

        Digest digest = Digest.of("sha256", hasher.digest());
        assertEquals(Digest.sha256(data), digest);
        assertTrue(store.size(digest).isEmpty(), "nothing is visible before publish");
        store.publish("u1", digest);

        assertEquals(data.length, store.size(digest).getAsLong());
        assertTrue(store.uploadSize("u1").isEmpty(), "the upload is gone once published");
        try (SeekableByteChannel channel = store.open(digest)) {
            ByteBuffer all = ByteBuffer.allocate(data.length);
            while (all.hasRemaining() && channel.read(all) > 0) {
                // read to the end
            }
            assertArrayEquals(data, all.array());
        }
    }

    @Test
    void aChunkThatDoesNotStartWhereTheUploadEndsIsRefusedAndWritesNothing() throws IOException {
        BlobStore store = new FileSystemBlobStore(root);
        store.createUpload("u2");
        store.append("u2", 0, new ByteArrayInputStream(new byte[10]), Digest.newMessageDigest("sha256"));
        UploadOffsetException e = assertThrows(UploadOffsetException.class, () ->
                store.append("u2", 5, new ByteArrayInputStream(new byte[10]), Digest.newMessageDigest("sha256")));
        assertEquals(10, e.actualSize());
        assertEquals(10, store.uploadSize("u2").getAsLong());
    }

    @Test
    void uploadIdsCannotEscapeTheUploadDirectory() throws IOException {
        BlobStore store = new FileSystemBlobStore(root);
        assertThrows(IllegalArgumentException.class, () -> store.createUpload("../blobs/x"));
        assertThrows(IllegalArgumentException.class, () -> store.uploadSize("a/b"));
    }

    @Test
    void deletingRemovesTheBlobAndMissingThingsAreNotErrors() throws IOException {
        BlobStore store = new FileSystemBlobStore(root);
        store.createUpload("u3");
        MessageDigest hasher = Digest.newMessageDigest("sha256");
        store.append("u3", 0, new ByteArrayInputStream("abc".getBytes()), hasher);
        Digest digest = Digest.of("sha256", hasher.digest());
        store.publish("u3", digest);
        store.delete(digest);
        assertTrue(store.size(digest).isEmpty());
        store.delete(digest);
        store.deleteUpload("never-existed");
        assertTrue(Files.isDirectory(root.resolve("blobs")));
    }
}
