package io.berth.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FormatTest {

    @Test
    void bytesInBinaryUnits() {
        assertEquals("0 B", Format.bytes(0));
        assertEquals("1023 B", Format.bytes(1023));
        assertEquals("1.0 KiB", Format.bytes(1024));
        assertEquals("1.5 MiB", Format.bytes(3 * 512 * 1024));
        assertEquals("256 MiB", Format.bytes(256L * 1024 * 1024));
        assertEquals("8192 PiB", Format.bytes(Long.MAX_VALUE));
    }

    @Test
    void timesInUtcToTheSecond() {
        assertEquals("2026-12-03 08:15:30 UTC", Format.time(1_796_285_730_000L));
    }
}
