package io.berth.security.sigv4;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A request as it arrived on the wire, in the form SigV4 verification needs.
 *
 * @param method   the HTTP method, as sent (e.g. {@code POST})
 * @param rawPath  the path as received, still percent-encoded (a servlet's {@code getRequestURI()}); null is "/"
 * @param rawQuery the query string as received, without '?', still percent-encoded; null when there is none
 * @param headers  every header with all of its values; names are matched case-insensitively (entries whose names
 *                 differ only in case are merged, in order). Must contain {@code Host}.
 * @param body     the complete request body (not copied); null is an empty body
 */
public record SignedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
        byte[] body) {

    private static final byte[] EMPTY = new byte[0];

    public SignedRequest {
        Objects.requireNonNull(method, "method");
        headers = normalize(headers);
        body = body == null ? EMPTY : body;
    }

    /** All values of a header (case-insensitive name), in order; empty when the header is absent. */
    public List<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null ? List.of() : values;
    }

    private static Map<String, List<String>> normalize(Map<String, List<String>> headers) {
        TreeMap<String, List<String>> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name == null || values == null) {
                    return;
                }
                List<String> list = merged.computeIfAbsent(name, n -> new ArrayList<>(values.size()));
                for (String value : values) {
                    if (value != null) {
                        list.add(value);
                    }
                }
            });
        }
        merged.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableSortedMap(merged);
    }
}
