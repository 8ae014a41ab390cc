package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An upload in progress. Its bytes are in the blob store under the same id, so it survives a restart. */
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

    void received(long bytes, long when) {
        this.received = bytes;
        this.touchedAt = when;
    }
}
