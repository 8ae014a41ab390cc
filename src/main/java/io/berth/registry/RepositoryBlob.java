package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** The link that lets one repository read one blob. */
@Entity
@Table(name = "repository_blob")
@IdClass(RepositoryBlob.Key.class)
public class RepositoryBlob {

    public record Key(Long repositoryId, String digest) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "repository_id")
    private Long repositoryId;

    @Id
    private String digest;

    @Column(name = "linked_at")
    private long linkedAt;

    protected RepositoryBlob() {
    }

    RepositoryBlob(Long repositoryId, String digest, long linkedAt) {
        this.repositoryId = repositoryId;
        this.digest = digest;
        this.linkedAt = linkedAt;
    }
}
