package io.berth.lifecycle;

import java.time.Instant;
import java.util.List;

/** One image a policy expires, and the priority of the rule that expires it. */
public record Expiry(String digest, List<String> tags, Instant pushedAt, int rulePriority) {

    public Expiry {
        tags = List.copyOf(tags);
    }
}
