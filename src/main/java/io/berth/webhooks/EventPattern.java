package io.berth.webhooks;

import static io.berth.platform.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * An EventBridge event pattern: a JSON object whose fields name fields of the event ({@code source},
 * {@code detail-type}, {@code account}, {@code detail} and its fields, …); an object goes one level down, an array
 * lists the values that match (strings, numbers, booleans, or {@code {"prefix": "…"}}). An event matches when every
 * field of the pattern does; a field of the event that is an array matches when one of its values does.
 */
public final class EventPattern {

    private final JsonObject pattern;

    private EventPattern(JsonObject pattern) {
        this.pattern = pattern;
    }

    /** Parses and checks a pattern; IllegalArgumentException saying what is wrong. */
    public static EventPattern parse(String text) {
        JsonValue value;
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("the event pattern is not JSON");
        }
        if (!(value instanceof JsonObject object) || object.isEmpty()) {
            throw new IllegalArgumentException("an event pattern is a JSON object with at least one field");
        }
        check(object, "");
        return new EventPattern(object);
    }

    private static void check(JsonObject object, String path) {
        object.forEach((field, value) -> {
            String where = path.isEmpty() ? field : path + "." + field;
            if (value instanceof JsonObject nested) {
                if (nested.isEmpty()) {
                    throw new IllegalArgumentException("'" + where + "' is an empty object");
                }
                check(nested, where);
            } else if (value instanceof JsonArray values) {
                if (values.isEmpty()) {
                    throw new IllegalArgumentException("'" + where + "' lists no value: it could match nothing");
                }
                for (JsonValue allowed : values) {
                    boolean plain = allowed.getValueType() == JsonValue.ValueType.STRING
                            || allowed.getValueType() == JsonValue.ValueType.NUMBER
                            || allowed == JsonValue.TRUE || allowed == JsonValue.FALSE;
                    boolean prefix = allowed instanceof JsonObject rule && rule.size() == 1
                            && rule.get("prefix") instanceof JsonString;
                    if (!plain && !prefix) {
                        throw new IllegalArgumentException("'" + where + "' lists " + allowed + ": values are"
                                + " strings, numbers, booleans or {\"prefix\": \"…\"}");
                    }
                }
            } else {
                throw new IllegalArgumentException("'" + where + "' must be an object or an array of values");
            }
        });
    }

    public String text() {
        return pattern.toString();
    }

    public boolean matches(JsonObject event) {
        return matches(pattern, event);
    }

    private static boolean matches(JsonObject pattern, JsonObject event) {
        for (var field : pattern.entrySet()) {
            JsonValue actual = event.get(field.getKey());
            if (field.getValue() instanceof JsonObject nested) {
                if (!(actual instanceof JsonObject inner) || !matches(nested, inner)) {
                    return false;
                }
            } else if (!anyMatches(field.getValue().asJsonArray(), actual)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatches(JsonArray allowed, JsonValue actual) {
        if (actual instanceof JsonArray values) {
            return values.stream().anyMatch(value -> anyMatches(allowed, value));
        }
        if (actual == null || actual == JsonValue.NULL) {
            return false;
        }
        for (JsonValue rule : allowed) {
            if (rule instanceof JsonObject prefix) {
                if (actual instanceof JsonString text
                        && text.getString().startsWith(prefix.getString("prefix"))) {
                    return true;
                }
            } else if (rule.equals(actual)) {
                return true;
            }
        }
        return false;
    }
}
