package io.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Where blob bytes live: published blobs, immutable and named by their digest, and uploads in progress, named by an
 * upload id. A store knows nothing about repositories or the database; it only has to make a published blob either
 * complete or absent.
 *
 * <p>An upload's progress (its size and whatever the store needs to go on) is kept by the caller, in the database,
 * and handed back on the next call, so that any instance can take the next chunk. The caller runs one append at a
 * time for an upload, from the progress the last successful append returned.
 */
public interface BlobStore {

    /** The size of a published blob, or empty when it is not stored. */
    OptionalLong size(Digest digest) throws IOException;

    /** Reads {@code length} bytes of a published blob from {@code offset}; the caller closes the stream. */
    InputStream open(Digest digest, long offset, long length) throws IOException;

    /**
     * A URL a client may fetch the blob from directly, valid for {@code validity}, or empty when the store cannot
     * hand one out (the file system) or is not configured to.
     */
    default Optional<URI> downloadUrl(Digest digest, Duration validity) {
        return Optional.empty();
    }

    /**
     * Every published blob, with its size, for garbage collection to find blobs that no database row names; the
     * caller closes the stream.
     */
    Stream<StoredBlob> list() throws IOException;

    /** A published blob as the store sees it. */
    record StoredBlob(Digest digest, long size) {
    }

    /** Deletes a published blob; a missing blob is not an error. */
    void delete(Digest digest) throws IOException;

    /**
     * How far an upload has come: its size and the store's own note of where its bytes are (opaque to the caller,
     * empty for a new upload).
     */
    record UploadProgress(long size, String state) {
        public static final UploadProgress START = new UploadProgress(0, "");
    }

    /** Receives every byte an append writes, in order (a running hash). */
    @FunctionalInterface
    interface ByteSink {
        void accept(byte[] bytes, int offset, int length);
    }

    /**
     * Appends the stream to an upload that stands at {@code at}, feeding every byte written to {@code sink}, and
     * returns the upload's new progress. Bytes that an append which failed wrote after {@code at} are not part of
     * the upload.
     *
     * @throws UploadOffsetException when the store finds another append of the same upload running
     */
    UploadProgress append(String uploadId, UploadProgress at, InputStream data, ByteSink sink) throws IOException;

    /**
     * Makes an upload's bytes durable and readable as a whole (after its last append); returns the progress to read
     * and publish from. The upload takes no more appends.
     */
    UploadProgress seal(String uploadId, UploadProgress at) throws IOException;

    /** Reads a sealed upload's bytes, for a digest other than the running SHA-256 to be computed. */
    InputStream openUpload(String uploadId, UploadProgress sealed) throws IOException;

    /** Publishes a sealed upload, its digest verified, as the blob {@code digest}; the upload no longer exists. */
    void publish(String uploadId, UploadProgress sealed, Digest digest) throws IOException;

    /** Removes whatever an upload left in the store; a missing upload is not an error. */
    void deleteUpload(String uploadId) throws IOException;

    /** Writes and removes a small object, for the readiness check; throws when the store cannot be written. */
    void checkWritable() throws IOException;
}
