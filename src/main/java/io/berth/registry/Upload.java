package io.berth.registry;

import io.berth.storage.BlobStore;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An upload in progress. Its bytes are in the blob store under the same id; its progress (size, the digest of what
 * it holds, the store's note) is here, so it survives a restart and can go on at any instance.
 */
@Entity
@Table(name = "upload")
public class Upload {

    @Id
    private String id;

    @Column(name = "repository_id")
    private Long repositoryId;

    private long received;

    @Column(name = "started_at")
    private long startedAt;

    @Column(name = "touched_at")
    private long touchedAt;

    @Column(name = "received_sha256")
    private String receivedSha256;

    @Column(name = "store_state")
    private String storeState;

    /** The claim of the request writing a chunk now, or null (UploadRecords). */
    private String writer;

    protected Upload() {
    }

    Upload(String id, Long repositoryId, long now) {
        this.id = id;
        this.repositoryId = repositoryId;
        this.startedAt = now;
        this.touchedAt = now;
    }

    public String id() {
        return id;
    }

    public Long repositoryId() {
        return repositoryId;
    }

    public long startedAt() {
        return startedAt;
    }

    public long received() {
        return received;
    }

    /** Where the blob store stands with this upload. */
    BlobStore.UploadProgress progress() {
        return new BlobStore.UploadProgress(received, storeState == null ? "" : storeState);
    }

    /**
     * The SHA-256 of the bytes received so far, or null when the instance that wrote the last chunk did not have the
     * running hash (it is computed again from the stored bytes at completion).
     */
    String receivedSha256() {
        return receivedSha256;
    }
}
