package io.berth.audit;

import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDs of version 7 (RFC 9562 §5.7): the first 48 bits are the time in milliseconds, the rest random. Ids made in
 * time order land at the end of an index instead of all over it, which keeps writing the audit trail's event-id
 * index cheap; they are still UUIDs, as CloudTrail's are. Not secrets: ThreadLocalRandom is enough.
 */
final class TimeOrderedIds {

    private TimeOrderedIds() {
    }

    static String next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }

    /** The time a version 7 id was made at (epoch millis); empty for any other text. */
    static OptionalLong millisOf(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            return uuid.version() == 7 ? OptionalLong.of(uuid.getMostSignificantBits() >>> 16) : OptionalLong.empty();
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
    }
}
