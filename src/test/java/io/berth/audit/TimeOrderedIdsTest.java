package io.berth.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void areVersion7UuidsWithTheTimeFirst() {
        long at = 1_764_000_000_123L;
        UUID id = UUID.fromString(TimeOrderedIds.next(at));
        assertEquals(7, id.version());
        assertEquals(2, id.variant(), "RFC 9562's variant");
        assertEquals(at, id.getMostSignificantBits() >>> 16);
    }

    @Test
    void sortInTimeOrderAsText() {
        String earlier = TimeOrderedIds.next(1_764_000_000_123L);
        String later = TimeOrderedIds.next(1_764_000_000_124L);
        assertTrue(earlier.compareTo(later) < 0, earlier + " before " + later);
        assertNotEquals(TimeOrderedIds.next(5), TimeOrderedIds.next(5));
    }

    @Test
    void giveBackTheirTimeAndNoneForOtherIds() {
        assertEquals(OptionalLong.of(1_764_000_000_123L), TimeOrderedIds.millisOf(TimeOrderedIds.next(1_764_000_000_123L)));
        assertEquals(OptionalLong.empty(), TimeOrderedIds.millisOf(UUID.randomUUID().toString()), "version 4");
        assertEquals(OptionalLong.empty(), TimeOrderedIds.millisOf("not-an-id"));
    }
}
