package io.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Content-addressed blob storage. Knows digests and byte ranges, never repositories or users.
 *
 * <p>An upload is written under its own id and becomes a blob only through {@link #publish}, after the caller
 * has verified its digest: a blob key is never visible half-written.
 */
public interface BlobStore {

    /** The size of a published blob, or empty when it is not stored. */
    OptionalLong size(Digest digest) throws IOException;

    /** Opens a published blob for reading; the caller closes it. */
    SeekableByteChannel open(Digest digest) throws IOException;

    /**
     * Every published blob, with its size, for garbage collection to find files that no database row names; the
     * caller closes the stream.
     */
    Stream<StoredBlob> list() throws IOException;

    /** A published blob as the store sees it. */
    record StoredBlob(Digest digest, long size) {
    }

    /** Deletes a published blob; a missing blob is not an error. */
    void delete(Digest digest) throws IOException;

    /** Creates an empty upload. */
    void createUpload(String uploadId) throws IOException;

    /** Bytes received so far, or empty when the upload does not exist. */
    OptionalLong uploadSize(String uploadId) throws IOException;

    /**
     * Appends the stream to an upload whose current size must equal {@code offset}, feeding every byte written to
     * {@code hasher} as it goes. Returns the new size.
     *
     * @throws UploadOffsetException when the upload's size is not {@code offset}
     */
    long append(String uploadId, long offset, InputStream data, MessageDigest hasher) throws IOException;

    /** Reads an upload's bytes from the start, for re-hashing an upload whose hash state was lost. */
    InputStream openUpload(String uploadId) throws IOException;

    /** Makes the upload durable and publishes it as the blob {@code digest}; the upload no longer exists. */
    void publish(String uploadId, Digest digest) throws IOException;

    /** Removes an upload; a missing upload is not an error. */
    void deleteUpload(String uploadId) throws IOException;
}
