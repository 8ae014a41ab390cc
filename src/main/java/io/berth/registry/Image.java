package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A stored manifest: the exact bytes as pushed, and what the registry needs to know about them. */
@Entity
@Table(name = "image")
public class Image {

    @Id
    @SequenceGenerator(name = "image_seq", sequenceName = "image_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "image_seq")
    private Long id;

    @Column(name = "repository_id")
    private Long repositoryId;

    private String digest;

    @Column(name = "media_type")
    private String mediaType;

    private byte[] content;

    /** The manifest's own size plus the sizes of everything it references. */
    private long size;

    @Column(name = "artifact_type")
    private String artifactType;

    @Column(name = "subject_digest")
    private String subjectDigest;

    @Column(name = "pushed_at")
    private long pushedAt;

    @Column(name = "pushed_by")
    private String pushedBy;

    @Column(name = "last_pulled_at")
    private Long lastPulledAt;

    protected Image() {
    }

    Image(Long repositoryId, String digest, ParsedManifest manifest, byte[] content, long size,
          long pushedAt, String pushedBy) {
        this.repositoryId = repositoryId;
        this.digest = digest;
        this.mediaType = manifest.mediaType();
        this.content = content;
        this.size = size;
        this.artifactType = manifest.effectiveArtifactType();
        this.subjectDigest = manifest.subject() == null ? null : manifest.subject().toString();
        this.pushedAt = pushedAt;
        this.pushedBy = pushedBy;
    }

    public Long id() {
        return id;
    }

    public Long repositoryId() {
        return repositoryId;
    }

    public String digest() {
        return digest;
    }

    public String mediaType() {
        return mediaType;
    }

    public byte[] content() {
        return content;
    }

    public long size() {
        return size;
    }

    public String artifactType() {
        return artifactType;
    }

    public String subjectDigest() {
        return subjectDigest;
    }


    /** Who pushed it: the caller's name as audit records give it. */
    public String pushedBy() {
        return pushedBy;
    }

    public long pushedAt() {
        return pushedAt;
    }

    public Long lastPulledAt() {
        return lastPulledAt;
    }

    void pulledAt(long when) {
        this.lastPulledAt = when;
    }
}
