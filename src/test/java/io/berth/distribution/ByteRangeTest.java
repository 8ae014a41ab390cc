package io.berth.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void rangeHeaderForms() {
        assertEquals(new ByteRange(0, 99), ByteRange.ofRangeHeader("bytes=0-99", 1000));
        assertEquals(new ByteRange(500, 999), ByteRange.ofRangeHeader("bytes=500-", 1000));
        assertEquals(new ByteRange(900, 999), ByteRange.ofRangeHeader("bytes=-100", 1000));
        assertEquals(new ByteRange(990, 999), ByteRange.ofRangeHeader("bytes=990-5000", 1000));
    }

    @Test
    void unsatisfiableOrMalformedRangesAreNull() {
        for (String bad : new String[] {"bytes=1000-", "bytes=5-4", "bytes=-0", "bytes=0-1,5-6", "items=0-1",
                "bytes=-", "bytes=a-b", "bytes=99999999999999999999-"}) {
            assertNull(ByteRange.ofRangeHeader(bad, 1000), bad);
        }
    }

    @Test
    void contentRangeOfAChunk() {
        assertEquals(new ByteRange(0, 1023), ByteRange.ofContentRange("0-1023"));
        assertEquals(new ByteRange(10, 19), ByteRange.ofContentRange("bytes 10-19/*"));
        assertNull(ByteRange.ofContentRange("10-9"));
        assertNull(ByteRange.ofContentRange("abc"));
        assertNull(ByteRange.ofContentRange("-5"));
    }
}
