package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A stored blob, shared by every repository that links it. The row exists only once the bytes are durable. */
@Entity
@Table(name = "blob")
public class Blob {

    @Id
    private String digest;

    private long size;

    @Column(name = "created_at")
    private long createdAt;

    protected Blob() {
    }

    Blob(String digest, long size, long createdAt) {
        this.digest = digest;
        this.size = size;
        this.createdAt = createdAt;
    }

    public String digest() {
        return digest;
    }

    public long size() {
        return size;
    }
}
