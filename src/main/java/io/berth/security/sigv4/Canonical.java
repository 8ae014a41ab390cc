package io.berth.security.sigv4;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The canonical forms SigV4 signs: the URI, the query string and header values. */
final class Canonical {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Comparator<QueryParameter> QUERY_ORDER =
            Comparator.comparing(QueryParameter::encodedName).thenComparing(QueryParameter::encodedValue);

    private Canonical() {
    }

    /**
     * The canonical URI of a non-S3 request from its path as received (percent-encoded once): dot segments removed and
     * empty segments collapsed, then every byte but the unreserved characters and '/' percent-encoded again, so
     * {@code /a%20b} becomes {@code /a%2520b}. This is what the AWS SDKs do with their defaults (normalize the path,
     * double URL encode); for AWS SDK for Java v2 it matches {@code java.net.URI#normalize}, which keeps a leading
     * {@code ..} it cannot resolve. An empty path is "/"; a trailing slash stays only when the path had one.
     */
    static String uri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..") && !segments.isEmpty() && !segments.get(segments.size() - 1).equals("..")) {
                segments.remove(segments.size() - 1);
            } else {
                segments.add(segment);
            }
        }
        StringBuilder uri = new StringBuilder(rawPath.length() + 16);
        for (String segment : segments) {
            uri.append('/');
            appendEncoded(uri, segment.getBytes(StandardCharsets.UTF_8));
        }
        if (segments.isEmpty() || rawPath.endsWith("/")) {
            uri.append('/');
        }
        return uri.toString();
    }

    /**
     * The canonical query string: parameters sorted by encoded name, then encoded value, each written
     * {@code name=value} (an absent value is empty) and joined with '&'. Parameters with an empty name are not signed
     * (as the SDKs do); {@code X-Amz-Signature} is left out of a presigned request's.
     */
    static String query(List<QueryParameter> parameters, boolean presigned) {
        List<QueryParameter> signed = new ArrayList<>(parameters.size());
        for (QueryParameter parameter : parameters) {
            if (!parameter.name().isEmpty() && !(presigned && parameter.name().equals(QueryParameter.SIGNATURE))) {
                signed.add(parameter);
            }
        }
        signed.sort(QUERY_ORDER);
        StringBuilder query = new StringBuilder();
        for (QueryParameter parameter : signed) {
            if (query.length() > 0) {
                query.append('&');
            }
            query.append(parameter.encodedName()).append('=').append(parameter.encodedValue());
        }
        return query.toString();
    }

    /** A signed header's canonical value: each value trimmed, runs of white space made one space, joined with ','. */
    static String headerValue(List<String> values) {
        StringBuilder result = new StringBuilder();
        for (int v = 0; v < values.size(); v++) {
            if (v > 0) {
                result.append(',');
            }
            String value = values.get(v);
            boolean pendingSpace = false;
            boolean started = false;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (isWhiteSpace(c)) {
                    pendingSpace = started;
                } else {
                    if (pendingSpace) {
                        result.append(' ');
                        pendingSpace = false;
                    }
                    result.append(c);
                    started = true;
                }
            }
        }
        return result.toString();
    }

    /** RFC 3986 percent-encoding of a string's UTF-8 bytes: all but A-Z a-z 0-9 - _ . ~ (so '/' too). */
    static String encode(String text) {
        StringBuilder result = new StringBuilder(text.length() + 8);
        appendEncoded(result, text.getBytes(StandardCharsets.UTF_8));
        return result.toString();
    }

    static String encode(byte[] bytes) {
        StringBuilder result = new StringBuilder(bytes.length + 8);
        appendEncoded(result, bytes);
        return result.toString();
    }

    /**
     * Decodes %XX escapes into bytes; anything else, including '+' and a '%' not followed by two hex digits, stands
     * for itself (RFC 3986 has no '+' for space).
     */
    static byte[] decode(String encoded) {
        if (encoded.indexOf('%') < 0) {
            return encoded.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length() && hex(encoded.charAt(i + 1)) >= 0
                    && hex(encoded.charAt(i + 2)) >= 0) {
                out.write(hex(encoded.charAt(i + 1)) << 4 | hex(encoded.charAt(i + 2)));
                i += 3;
            } else {
                int end = i + 1;
                while (end < encoded.length() && encoded.charAt(end) != '%') {
                    end++;
                }
                out.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toByteArray();
    }

    private static void appendEncoded(StringBuilder out, byte[] bytes) {
        for (byte b : bytes) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The white space the SDKs trim and collapse in header values. */
    private static boolean isWhiteSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\r' || c == '\f';
    }
}
