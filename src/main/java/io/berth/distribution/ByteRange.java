package io.berth.distribution;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An inclusive byte range, parsed from a request's Range or Content-Range header. */
record ByteRange(long start, long end) {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d{1,19})-(\\d{1,19})(?:/(?:\\d+|\\*))?");

    long length() {
        return end - start + 1;
    }

    /**
     * A single range from a Range header against a blob of {@code size} bytes: null when the header is not a single
     * byte range we can satisfy (the caller answers 416).
     */
    static ByteRange ofRangeHeader(String header, long size) {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) { // suffix: the last N bytes
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    return null;
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            long start = Long.parseLong(m.group(1));
            long end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            if (start >= size || end < start) {
                return null;
            }
            return new ByteRange(start, end);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The chunk position from an upload's Content-Range ({@code <start>-<end>}), or null when malformed. */
    static ByteRange ofContentRange(String header) {
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            long start = Long.parseLong(m.group(1));
            long end = Long.parseLong(m.group(2));
            return end >= start ? new ByteRange(start, end) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
