package io.berth.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a lifecycle policy needs to know of one image: its tags, when it was pushed and last pulled (null when never),
 * the child manifests it references (an index's platform images) and the digest of its subject (a referrer such as
 * a signature or an SBOM), or null.
 */
public record ImageInfo(String digest, List<String> tags, Instant pushedAt, Instant lastPulledAt,
                        List<String> children, String subject) {

    public ImageInfo {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(pushedAt, "pushedAt");
        tags = tags == null ? List.of() : List.copyOf(tags);
        children = children == null ? List.of() : List.copyOf(children);
    }

    /** An image that is neither an index nor a referrer. */
    public ImageInfo(String digest, List<String> tags, Instant pushedAt, Instant lastPulledAt) {
        this(digest, tags, pushedAt, lastPulledAt, List.of(), null);
    }
}
