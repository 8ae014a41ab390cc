package io.berth.registry;

import io.berth.storage.BlobStore;
import io.berth.storage.BlobStore.UploadProgress;
import io.berth.storage.Digest;
import io.berth.storage.UploadOffsetException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Blob uploads: started, fed in one or many chunks, completed against a digest, or cancelled. Bytes are hashed while
 * they are written; a blob becomes visible only after its digest is verified and its bytes are durable.
 *
 * <p>An upload's progress is in its database row, so any instance can take any chunk. A chunk is written under a
 * claim on that row: two chunks of one upload never write at once, and a chunk that fails leaves the upload where
 * it was. The digest of what the upload holds is saved with it after every chunk, so completing it anywhere reads
 * nothing again; only a chunk that continues an upload on another instance (or after a restart) leaves the digest
 * to be computed from the stored bytes at completion.
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
        records.create(repositoryName, id, actor);
        return new UploadState(id, repositoryName, 0);
    }

    public UploadState status(RepositoryName repositoryName, String uploadId) {
        return new UploadState(uploadId, repositoryName, require(repositoryName, uploadId).received());
    }

    /**
     * Appends a chunk. {@code start} is where the client says the chunk begins (from Content-Range), or null for a
     * streamed chunk that simply continues the upload.
     */
    public UploadState append(RepositoryName repositoryName, String uploadId, Long start, InputStream data) {
        Upload upload = require(repositoryName, uploadId);
        String claim = claim(upload, start);
        boolean recorded = false;
        try {
            Written written = write(upload, claim, data);
            if (!records.appended(uploadId, claim, written.progress(), written.sha256SoFar())) {
                throw takenOver(uploadId);
            }
            if (written.hasher() != null) {
                hashes.put(uploadId, written.progress().size(), written.hasher());
            }
            recorded = true;
            return new UploadState(uploadId, repositoryName, written.progress().size());
        } finally {
            if (!recorded) {
                records.release(uploadId, claim);
            }
        }
    }

    /** Completes an upload with an optional last chunk, verifying {@code digest} before anything becomes visible. */
    public BlobInfo complete(RepositoryName repositoryName, String uploadId, Digest digest, Long start,
                             InputStream lastChunk, String actor) {
        Upload upload = require(repositoryName, uploadId);
        String claim = claim(upload, start);
        UploadProgress sealed;
        String sha256;
        try {
            if (lastChunk != null) {
                Written written = write(upload, claim, lastChunk);
                sealed = store.seal(uploadId, written.progress());
                sha256 = written.sha256SoFar();
            } else {
                hashes.forget(uploadId);
                sealed = store.seal(uploadId, upload.progress());
                sha256 = upload.receivedSha256();
            }
        } catch (IOException e) {
            records.release(uploadId, claim);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            records.release(uploadId, claim);
            throw e;
        }
        // Sealed: the upload takes no more chunks, so whatever happens now ends it.
        try {
            Digest actual = sha256 != null && digest.algorithm().equals("sha256") ? Digest.parse(sha256)
                    : Digest.of(digest.algorithm(), rehash(uploadId, sealed, digest.algorithm()).digest());
            if (!actual.equals(digest)) {
                throw new RegistryException(Problem.DIGEST_INVALID,
                        "provided digest did not match uploaded content", digest.toString());
            }
            try {
                records.completed(repositoryName, uploadId, sealed, digest, actor);
            } catch (RuntimeException concurrentInsert) {
                // Another upload of the same blob recorded it first; the row is there now, so this succeeds.
                records.completed(repositoryName, uploadId, sealed, digest, actor);
            }
            return new BlobInfo(digest, sealed.size());
        } catch (RuntimeException e) {
            discard(uploadId);
            throw e;
        }
    }

    /** A monolithic upload: the whole blob in one request. */
    public BlobInfo uploadWhole(RepositoryName repositoryName, Digest digest, InputStream data, String actor) {
        UploadState upload = start(repositoryName, actor);
        return complete(repositoryName, upload.id(), digest, null, data, actor);
    }

    public void cancel(RepositoryName repositoryName, String uploadId) {
        require(repositoryName, uploadId);
        discard(uploadId);
    }

    private Upload require(RepositoryName repositoryName, String uploadId) {
        try {
            UUID.fromString(uploadId);
        } catch (IllegalArgumentException e) {
            throw unknown(uploadId);
        }
        return records.require(repositoryName, uploadId);
    }

    /** Claims the upload for one chunk starting at {@code start} (null: wherever the upload ends). */
    private String claim(Upload upload, Long start) {
        if (start != null && start != upload.received()) {
            throw outOfOrder(upload.received());
        }
        String claim = UUID.randomUUID().toString();
        if (!records.claim(upload.id(), upload.received(), claim)) {
            throw new RegistryException(Problem.UPLOAD_OUT_OF_ORDER,
                    "another chunk of this upload is being written or was written meanwhile", upload.received());
        }
        return claim;
    }

    /**
     * A chunk written: the upload's new progress, and the running SHA-256 of everything it holds with the digest of
     * that, when this instance had the hash of what came before (null otherwise).
     */
    private record Written(UploadProgress progress, MessageDigest hasher, String sha256SoFar) {
    }

    private Written write(Upload upload, String claim, InputStream data) {
        HashStates.State state = hashes.take(upload.id(), upload.received());
        MessageDigest hasher = state != null ? state.hasher()
                : upload.received() == 0 ? Digest.newMessageDigest("sha256") : null;
        try {
            InputStream renewing = new ClaimRenewingStream(data, () -> records.renew(upload.id(), claim));
            UploadProgress progress = store.append(upload.id(), upload.progress(), renewing,
                    hasher != null ? hasher::update : (bytes, offset, length) -> { });
            return new Written(progress, hasher, hasher != null ? sha256Of(hasher) : null);
        } catch (UploadOffsetException e) {
            throw outOfOrder(e.actualSize());
        } catch (NoSuchFileException e) {
            throw unknown(upload.id());
        } catch (IOException e) {
            // The client went away mid-chunk: the upload stays where the last whole chunk left it.
            throw new RegistryException(Problem.BLOB_UPLOAD_INVALID, "the upload stream was interrupted",
                    upload.id());
        }
    }

    /** The digest of what a running hash has taken so far; the hash goes on. */
    private static String sha256Of(MessageDigest hasher) {
        try {
            return Digest.of("sha256", ((MessageDigest) hasher.clone()).digest()).toString();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    /** Hashes a sealed upload's bytes, for a digest other than SHA-256 (which is computed while writing). */
    private MessageDigest rehash(String uploadId, UploadProgress sealed, String algorithm) {
        MessageDigest hasher = Digest.newMessageDigest(algorithm);
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = store.openUpload(uploadId, sealed)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                hasher.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hasher;
    }

    private void discard(String uploadId) {
        hashes.forget(uploadId);
        records.delete(uploadId);
        try {
            store.deleteUpload(uploadId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renews the chunk's claim as its bytes arrive, so that a long chunk keeps it. */
    private static final class ClaimRenewingStream extends FilterInputStream {
        private final BooleanSupplier renew;
        private long renewAt = System.nanoTime() + UploadRecords.CLAIM_RENEWAL.toNanos();

        ClaimRenewingStream(InputStream in, BooleanSupplier renew) {
            super(in);
            this.renew = renew;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (System.nanoTime() - renewAt > 0) {
                if (!renew.getAsBoolean()) {
                    throw new IOException("the upload's claim was taken over");
                }
                renewAt = System.nanoTime() + UploadRecords.CLAIM_RENEWAL.toNanos();
            }
            return in.read(buffer, offset, length);
        }
    }

    private static RegistryException unknown(String uploadId) {
        return new RegistryException(Problem.BLOB_UPLOAD_UNKNOWN, "blob upload unknown to registry", uploadId);
    }

    private static RegistryException takenOver(String uploadId) {
        return new RegistryException(Problem.BLOB_UPLOAD_INVALID,
                "the chunk took so long that another request took the upload over", uploadId);
    }

    private static RegistryException outOfOrder(long size) {
        return new RegistryException(Problem.UPLOAD_OUT_OF_ORDER,
                "chunk does not start where the upload ends", size);
    }
}
