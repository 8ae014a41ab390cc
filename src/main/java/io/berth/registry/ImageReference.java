package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** One descriptor of a manifest: its config, a layer, or a child manifest of an index. */
@Entity
@Table(name = "image_reference")
@IdClass(ImageReference.Key.class)
public class ImageReference {

    public enum Kind { CONFIG, LAYER, MANIFEST }

    public record Key(Long imageId, Integer position) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "image_id")
    private Long imageId;

    @Id
    private Integer position;

    private String kind;

    private String digest;

    private long size;

    @Column(name = "media_type")
    private String mediaType;

    protected ImageReference() {
    }

    ImageReference(Long imageId, int position, Kind kind, String digest, long size, String mediaType) {
        this.imageId = imageId;
        this.position = position;
        this.kind = kind.name();
        this.digest = digest;
        this.size = size;
        this.mediaType = mediaType;
    }

    ImageReference forImage(Long imageId) {
        return new ImageReference(imageId, position, Kind.valueOf(kind), digest, size, mediaType);
    }

    public String digest() {
        return digest;
    }
}
