package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

@Entity
@Table(name = "tag")
@IdClass(Tag.Key.class)
public class Tag {

    public record Key(Long repositoryId, String name) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "repository_id")
    private Long repositoryId;

    @Id
    private String name;

    @Column(name = "image_id")
    private Long imageId;

    @Column(name = "updated_at")
    private long updatedAt;

    protected Tag() {
    }

    Tag(Long repositoryId, String name, Long imageId, long updatedAt) {
        this.repositoryId = repositoryId;
        this.name = name;
        this.imageId = imageId;
        this.updatedAt = updatedAt;
    }

    public String name() {
        return name;
    }

    public Long imageId() {
        return imageId;
    }

    void pointTo(Long imageId, long when) {
        this.imageId = imageId;
        this.updatedAt = when;
    }
}
