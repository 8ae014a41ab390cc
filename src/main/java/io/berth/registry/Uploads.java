package io.berth.registry;

import io.berth.storage.BlobStore;
import io.berth.storage.Digest;
import io.berth.storage.UploadOffsetException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Blob uploads: started, fed in one or many chunks, completed against a digest, or cancelled. Bytes are hashed while
 * they are written; a blob becomes visible only after its digest is verified and its bytes are durable.
 */
@ApplicationScoped
public class Uploads {

    @Inject
    UploadRecords records;

    @Inject
    BlobStore store;

    @Inject
    HashStates hashes;

    public UploadState start(RepositoryName repositoryName, String actor) {
        String id = UUID.randomUUID().toString();
        try {
            store.createUpload(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records.create(repositoryName, id, actor);
        return new UploadState(id, repositoryName, 0);
    }

    public UploadState status(RepositoryName repositoryName, String uploadId) {
        requireWellFormed(uploadId);
        records.require(repositoryName, uploadId);
        return new UploadState(uploadId, repositoryName, storedSize(uploadId));
    }

    /**
     * Appends a chunk. {@code start} is where the client says the chunk begins (from Content-Range), or null for a
     * streamed chunk that simply continues the upload.
     */
    public UploadState append(RepositoryName repositoryName, String uploadId, Long start, InputStream data) {
        requireWellFormed(uploadId);
        records.require(repositoryName, uploadId);
        long size = storedSize(uploadId);
        if (start != null && start != size) {
            throw outOfOrder(size);
        }
        long newSize = write(uploadId, size, data);
        records.received(uploadId, newSize);
        return new UploadState(uploadId, repositoryName, newSize);
    }

    /** Completes an upload with an optional last chunk, verifying {@code digest} before anything becomes visible. */
    public BlobInfo complete(RepositoryName repositoryName, String uploadId, Digest digest, Long start,
                             InputStream lastChunk, String actor) {
        requireWellFormed(uploadId);
        records.require(repositoryName, uploadId);
        long size = storedSize(uploadId);
        if (start != null && start != size) {
            throw outOfOrder(size);
        }
        if (lastChunk != null) {
            size = write(uploadId, size, lastChunk);
        }
        HashStates.State state = hashes.take(uploadId, size);
        MessageDigest hasher = state != null && digest.algorithm().equals("sha256")
                ? state.hasher() : rehash(uploadId, size, digest.algorithm());
        Digest actual = Digest.of(digest.algorithm(), hasher.digest());
        if (!actual.equals(digest)) {
            cancel(repositoryName, uploadId);
            throw new RegistryException(Problem.DIGEST_INVALID,
                    "provided digest did not match uploaded content", digest.toString());
        }
        try {
            records.completed(repositoryName, uploadId, digest, size, actor);
        } catch (RuntimeException concurrentInsert) {
            // Another upload of the same blob recorded it first; the row is there now, so this succeeds.
            records.completed(repositoryName, uploadId, digest, size, actor);
        }
        return new BlobInfo(digest, size);
    }

    /** A monolithic upload: the whole blob in one request. */
    public BlobInfo uploadWhole(RepositoryName repositoryName, Digest digest, InputStream data, String actor) {
        UploadState upload = start(repositoryName, actor);
        return complete(repositoryName, upload.id(), digest, null, data, actor);
    }

    public void cancel(RepositoryName repositoryName, String uploadId) {
        requireWellFormed(uploadId);
        records.require(repositoryName, uploadId);
        hashes.forget(uploadId);
        try {
            store.deleteUpload(uploadId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records.delete(uploadId);
    }

    private long write(String uploadId, long offset, InputStream data) {
        HashStates.State state = hashes.take(uploadId, offset);
        MessageDigest hasher = state != null ? state.hasher() : rehash(uploadId, offset, "sha256");
        try {
            long newSize = store.append(uploadId, offset, data, hasher);
            hashes.put(uploadId, newSize, hasher);
            return newSize;
        } catch (UploadOffsetException e) {
            throw outOfOrder(e.actualSize());
        } catch (NoSuchFileException e) {
            throw unknown(uploadId);
        } catch (IOException e) {
            // The client went away mid-chunk: what arrived stays, the hash state is rebuilt on the next chunk.
            throw new RegistryException(Problem.BLOB_UPLOAD_INVALID, "the upload stream was interrupted", uploadId);
        }
    }

    private MessageDigest rehash(String uploadId, long size, String algorithm) {
        MessageDigest hasher = Digest.newMessageDigest(algorithm);
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = store.openUpload(uploadId)) {
            long remaining = size;
            int n;
            while (remaining > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining))) > 0) {
                hasher.update(buffer, 0, n);
                remaining -= n;
            }
        } catch (NoSuchFileException e) {
            throw unknown(uploadId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hasher;
    }

    private long storedSize(String uploadId) {
        try {
            OptionalLong size = store.uploadSize(uploadId);
            if (size.isEmpty()) {
                throw unknown(uploadId);
            }
            return size.getAsLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireWellFormed(String uploadId) {
        try {
            UUID.fromString(uploadId);
        } catch (IllegalArgumentException e) {
            throw unknown(uploadId);
        }
    }

    private static RegistryException unknown(String uploadId) {
        return new RegistryException(Problem.BLOB_UPLOAD_UNKNOWN, "blob upload unknown to registry", uploadId);
    }

    private static RegistryException outOfOrder(long size) {
        return new RegistryException(Problem.UPLOAD_OUT_OF_ORDER,
                "chunk does not start where the upload ends", size);
    }
}
