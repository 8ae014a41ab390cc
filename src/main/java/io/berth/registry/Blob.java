package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored blob, shared by every repository that links it. The row exists only once the bytes are durable. */
@Entity
@Table(name = "blob")
public class Blob {

    static final String LIVE = "LIVE";
    static final String DELETING = "DELETING";

    @Id
    private String digest;

    private long size;

    @Column(name = "created_at")
    private long createdAt;

    /** LIVE, or DELETING once garbage collection has claimed it (see {@link BlobCollector}). */
    private String state;

    /** When a push last uploaded, mounted or referenced it: collection spares blobs younger than its grace period. */
    @Column(name = "touched_at")
    private long touchedAt;

    protected Blob() {
    }

    Blob(String digest, long size, long createdAt) {
        this.digest = digest;
        this.size = size;
        this.createdAt = createdAt;
        this.state = LIVE;
        this.touchedAt = createdAt;
    }

    public String digest() {
        return digest;
    }

    public long size() {
        return size;
    }

    boolean live() {
        return LIVE.equals(state);
    }

    /** Whether collection may claim it: live, and untouched since {@code cutoff}. */
    boolean idleSince(long cutoff) {
        return live() && touchedAt < cutoff;
    }

    /** Collection claims it: from now on no push can use it, and its file may go. */
    void claimForDeletion() {
        this.state = DELETING;
    }

    boolean deleting() {
        return DELETING.equals(state);
    }

    /** A push uses the blob now; a blob being deleted becomes live again (its file has just been published). */
    void touch(long now) {
        this.state = LIVE;
        this.touchedAt = now;
    }
}
