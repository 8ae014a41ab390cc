package io.berth.lifecycle;

import java.time.Instant;
import java.util.List;

/**
 * One image a policy expires, and the priority of the rule that expires it. {@code expiresWith} is null when the
 * rule selected the image itself, or the digest of the index or subject it goes with.
 */
public record Expiry(String digest, List<String> tags, Instant pushedAt, int rulePriority, String expiresWith) {

    public Expiry {
        tags = List.copyOf(tags);
    }

    public Expiry(String digest, List<String> tags, Instant pushedAt, int rulePriority) {
        this(digest, tags, pushedAt, rulePriority, null);
    }
}
