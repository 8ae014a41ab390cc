package io.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.storage.BlobStore.UploadProgress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract every BlobStore keeps. Each test makes a new store object for every step, as if each chunk reached
 * another instance, so that nothing may live in one object's memory between calls.
 */
abstract class BlobStoreContract {

    /** A store over the same backing storage every time it is called. */
    abstract BlobStore store() throws IOException;

    private static byte[] random(int size, int seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String newUploadId() {
        return UUID.randomUUID().toString();
    }

    /** Appends each chunk through a new store object; returns the last progress. */
    private UploadProgress appendAll(String uploadId, byte[] data, int[] chunkSizes, MessageDigest hasher)
            throws IOException {
        UploadProgress progress = UploadProgress.START;
        int offset = 0;
        for (int size : chunkSizes) {
            progress = store().append(uploadId, progress, new ByteArrayInputStream(data, offset, size),
                    hasher::update);
            offset += size;
            assertEquals(offset, progress.size());
        }
        return progress;
    }

    private byte[] read(Digest digest, long offset, long length) throws IOException {
        try (InputStream in = store().open(digest, offset, length)) {
            return in.readAllBytes();
        }
    }

    @Test
    void chunksOfAnySizeArePublishedUnderTheirDigestAndHashedWhileWritten() throws IOException {
        // Small chunks, chunks larger than an S3 part, and a tiny last one.
        int[] chunks = {1000, 6 << 20, 3, 9 << 20, 1 << 20, 5};
        int total = 0;
        for (int size : chunks) {
            total += size;
        }
        byte[] data = random(total, 1);
        MessageDigest hasher = Digest.newMessageDigest("sha256");
        String uploadId = newUploadId();

        UploadProgress sealed = store().seal(uploadId, appendAll(uploadId, data, chunks, hasher));
        Digest digest = Digest.of("sha256", hasher.digest());
        assertEquals(Digest.sha256(data), digest, "every byte went through the hash, in order");
        assertTrue(store().size(digest).isEmpty(), "nothing is visible before publish");
        store().publish(uploadId, sealed, digest);

        assertEquals(data.length, store().size(digest).getAsLong());
        assertArrayEquals(data, read(digest, 0, data.length));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 7_000_000, 7_000_100), read(digest, 7_000_000, 100));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, total - 5, total), read(digest, total - 5, 5));
    }

    @Test
    void aSingleLargeStreamIsOneUpload() throws IOException {
        byte[] data = random(21 << 20, 2);
        MessageDigest hasher = Digest.newMessageDigest("sha256");
        String uploadId = newUploadId();
        UploadProgress sealed = store().seal(uploadId, appendAll(uploadId, data, new int[] {data.length}, hasher));
        Digest digest = Digest.sha256(data);
        store().publish(uploadId, sealed, digest);
        assertArrayEquals(data, read(digest, 0, data.length));
    }

    @Test
    void anEmptyUploadIsAnEmptyBlob() throws IOException {
        String uploadId = newUploadId();
        UploadProgress sealed = store().seal(uploadId, UploadProgress.START);
        Digest digest = Digest.sha256(new byte[0]);
        store().publish(uploadId, sealed, digest);
        assertEquals(0, store().size(digest).getAsLong());
        assertArrayEquals(new byte[0], read(digest, 0, 0));
    }

    @Test
    void aFailedAppendLeavesTheUploadWhereItWas() throws IOException {
        byte[] data = random((7 << 20) + 11, 3);
        String uploadId = newUploadId();
        MessageDigest hasher = Digest.newMessageDigest("sha256");
        UploadProgress first = store().append(uploadId, UploadProgress.START,
                new ByteArrayInputStream(data, 0, 1 << 20), hasher::update);

        InputStream breaksMidway = new InputStream() {
            int left = 6 << 20;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (left == 0) {
                    throw new IOException("the client went away");
                }
                int n = Math.min(length, left);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 42);
                left -= n;
                return n;
            }
        };
        assertThrows(IOException.class, () -> store().append(uploadId, first, breaksMidway, (b, o, l) -> { }));

        UploadProgress rest = store().append(uploadId, first,
                new ByteArrayInputStream(data, 1 << 20, data.length - (1 << 20)), hasher::update);
        UploadProgress sealed = store().seal(uploadId, rest);
        Digest digest = Digest.of("sha256", hasher.digest());
        try (InputStream in = store().openUpload(uploadId, sealed)) {
            assertArrayEquals(data, in.readAllBytes(), "a sealed upload reads whole, for other digests");
        }
        store().publish(uploadId, sealed, digest);
        assertArrayEquals(data, read(digest, 0, data.length));
    }

    @Test
    void listNamesEveryPublishedBlobAndNoUpload() throws IOException {
        byte[] data = random(100, 4);
        MessageDigest hasher = Digest.newMessageDigest("sha256");
        String published = newUploadId();
        UploadProgress sealed = store().seal(published, appendAll(published, data, new int[] {100}, hasher));
        store().publish(published, sealed, Digest.sha256(data));
        String inProgress = newUploadId();
        store().append(inProgress, UploadProgress.START, new ByteArrayInputStream(data), (b, o, l) -> { });

        try (var listed = store().list()) {
            assertEquals(List.of(new BlobStore.StoredBlob(Digest.sha256(data), data.length)), listed.toList());
        }
    }

    @Test
    void deletingRemovesBlobsAndUploadsAndMissingThingsAreNotErrors() throws IOException {
        byte[] data = "abc".getBytes();
        String uploadId = newUploadId();
        UploadProgress sealed = store().seal(uploadId, appendAll(uploadId, data, new int[] {3},
                Digest.newMessageDigest("sha256")));
        Digest digest = Digest.sha256(data);
        store().publish(uploadId, sealed, digest);
        store().delete(digest);
        assertTrue(store().size(digest).isEmpty());
        store().delete(digest);

        String abandoned = newUploadId();
        store().append(abandoned, UploadProgress.START, new ByteArrayInputStream(random(6 << 20, 5)),
                (b, o, l) -> { });
        store().deleteUpload(abandoned);
        store().deleteUpload(newUploadId());
        try (var listed = store().list()) {
            assertEquals(0, listed.count());
        }
    }

    @Test
    void theReadinessProbeWrites() throws IOException {
        store().checkWritable();
    }
}
