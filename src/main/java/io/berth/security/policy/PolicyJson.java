package io.berth.security.policy;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/** Reading the shapes IAM policies use (a string or an array of strings, objects with known members). */
final class PolicyJson {

    private PolicyJson() {
    }

    /** Refuses members outside {@code allowed}; IAM element names are case-sensitive, so a near miss gets a hint. */
    static void onlyMembers(JsonObject object, List<String> allowed, String where) {
        for (String member : object.keySet()) {
            if (!allowed.contains(member)) {
                String hint = allowed.stream().filter(member::equalsIgnoreCase).findFirst()
                        .map(known -> " (did you mean '" + known + "'?)")
                        .orElse(" (allowed: " + String.join(", ", allowed) + ")");
                throw new PolicyException(where + ": unknown member '" + member + "'" + hint);
            }
        }
    }

    /** A string member, or null when absent. */
    static String optionalString(JsonObject object, String member, String where) {
        JsonValue value = object.get(member);
        if (value == null) {
            return null;
        }
        if (value.getValueType() != JsonValue.ValueType.STRING) {
            throw new PolicyException(where + ": " + member + " must be a string");
        }
        return ((JsonString) value).getString();
    }

    /** A string or a non-empty array of strings. */
    static List<String> strings(JsonValue value, String where) {
        if (value.getValueType() == JsonValue.ValueType.STRING) {
            return List.of(((JsonString) value).getString());
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new PolicyException(where + " must be a string or an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonValue element : value.asJsonArray()) {
            if (element.getValueType() != JsonValue.ValueType.STRING) {
                throw new PolicyException(where + " must be a string or an array of strings");
            }
            strings.add(((JsonString) element).getString());
        }
        if (strings.isEmpty()) {
            throw new PolicyException(where + " is an empty array");
        }
        return List.copyOf(strings);
    }

    // Without variable substitution a "${aws:username}" would be compared literally, which can make a Deny silently
    // miss; refusing it is safer than half-supporting it.
    static void noPolicyVariables(String text, String where) {
        if (text.contains("${")) {
            throw new PolicyException(where + " '" + text + "' uses a policy variable; policy variables are not supported");
        }
    }
}
