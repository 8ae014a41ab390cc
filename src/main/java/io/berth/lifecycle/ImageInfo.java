package io.berth.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a lifecycle policy needs to know of one image; {@code lastPulledAt} is null when it was never pulled. */
public record ImageInfo(String digest, List<String> tags, Instant pushedAt, Instant lastPulledAt) {

    public ImageInfo {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(pushedAt, "pushedAt");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
