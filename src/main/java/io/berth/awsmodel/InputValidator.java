package io.berth.awsmodel;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks an operation's input against its shape in the service model, as AWS does before any handler runs: JSON
 * types ({@link InputViolation.Kind#SERIALIZATION}, at the first one), then required members, lengths, ranges,
 * patterns and enums, all of them at once ({@link InputViolation.Kind#VALIDATION}), in AWS's words: {@code 1
 * validation error detected: Value 'x' at 'repositoryName' failed to satisfy constraint: Member must …}. Members the
 * model does not know are ignored, as AWS ignores them. A handler that runs after this may take every modelled
 * member's JSON type for granted.
 */
public final class InputValidator {

    /** Values are quoted in messages up to this many characters. */
    private static final int QUOTED = 100;

    private final ServiceModel model;

    public InputValidator(ServiceModel model) {
        this.model = model;
    }

    public ServiceModel model() {
        return model;
    }

    /** Checks a JSON-protocol request body (already parsed) against the operation's input shape. */
    public void validateJson(String operation, JsonObject input) {
        String shape = model.inputShape(operation).orElse(null);
        if (shape == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        structure(shape, input, "", problems);
        fail(problems);
    }

    /**
     * Checks a Query-protocol request's parameters: the input shape's scalar members, by their names as parameters.
     * Members that are lists, maps or structures ({@code Tags.member.1.Key}) are left to the handler.
     */
    public void validateQuery(String operation, Map<String, List<String>> parameters) {
        String shape = model.inputShape(operation).orElse(null);
        if (shape == null) {
            return;
        }
        List<String> problems = new ArrayList<>();
        JsonObject definition = model.shape(shape);
        List<String> required = strings(definition.getJsonArray("required"));
        definition.getJsonObject("members").forEach((member, reference) -> {
            String parameter = reference.asJsonObject().getString("locationName", member);
            String path = Character.toLowerCase(member.charAt(0)) + member.substring(1);
            List<String> values = parameters.get(parameter);
            String value = values == null || values.isEmpty() ? null : values.get(0);
            JsonObject memberShape = model.shape(reference.asJsonObject().getString("shape"));
            if (value == null) {
                if (required.contains(member)) {
                    problems.add("Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
                }
                return;
            }
            switch (memberShape.getString("type")) {
                case "string" -> string(memberShape, value, path, problems);
                case "integer", "long" -> {
                    try {
                        number(memberShape, new BigDecimal(value.strip()), path, problems);
                    } catch (NumberFormatException e) {
                        problems.add(quote(value) + " at '" + path + "' failed to satisfy constraint: Member must"
                                + " be a whole number");
                    }
                }
                case "boolean" -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        problems.add(quote(value) + " at '" + path + "' failed to satisfy constraint: Member must"
                                + " be true or false");
                    }
                }
                default -> {
                    // lists, maps and structures are flattened into several parameters: the handler reads them
                }
            }
        });
        fail(problems);
    }

    private static void fail(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new InputViolation(InputViolation.Kind.VALIDATION, problems.size() + " validation error"
                    + (problems.size() == 1 ? "" : "s") + " detected: " + String.join("; ", problems));
        }
    }

    private void value(String shapeName, JsonValue value, String path, List<String> problems) {
        JsonObject shape = model.shape(shapeName);
        String type = shape.getString("type");
        switch (type) {
            case "structure" -> structure(shapeName, expect(value, JsonValue.ValueType.OBJECT, "an object", path)
                    .asJsonObject(), path, problems);
            case "list" -> list(shape, (JsonArray) expect(value, JsonValue.ValueType.ARRAY, "a list", path), path,
                    problems);
            case "map" -> map(shape, expect(value, JsonValue.ValueType.OBJECT, "a map", path).asJsonObject(), path,
                    problems);
            case "string" -> string(shape, ((JsonString) expect(value, JsonValue.ValueType.STRING, "a string", path))
                    .getString(), path, problems);
            case "blob" -> blob(((JsonString) expect(value, JsonValue.ValueType.STRING, "base64 text", path))
                    .getString(), path);
            case "boolean" -> {
                if (value.getValueType() != JsonValue.ValueType.TRUE
                        && value.getValueType() != JsonValue.ValueType.FALSE) {
                    throw serialization(path, "true or false", value);
                }
            }
            case "integer", "long" -> {
                JsonNumber number = (JsonNumber) expect(value, JsonValue.ValueType.NUMBER, "a whole number", path);
                BigDecimal decimal = number.bigDecimalValue();
                BigDecimal lowest = BigDecimal.valueOf(type.equals("integer") ? Integer.MIN_VALUE : Long.MIN_VALUE);
                BigDecimal highest = BigDecimal.valueOf(type.equals("integer") ? Integer.MAX_VALUE : Long.MAX_VALUE);
                if (decimal.stripTrailingZeros().scale() > 0 || decimal.compareTo(lowest) < 0
                        || decimal.compareTo(highest) > 0) {
                    throw serialization(path, "a whole number that fits " + (type.equals("integer") ? "32" : "64")
                            + " bits", value);
                }
                number(shape, decimal, path, problems);
            }
            case "double", "float" -> number(shape, ((JsonNumber) expect(value, JsonValue.ValueType.NUMBER,
                    "a number", path)).bigDecimalValue(), path, problems);
            case "timestamp" -> {
                // JSON 1.1 timestamps are epoch seconds; AWS also takes ISO 8601 text.
                if (value.getValueType() != JsonValue.ValueType.NUMBER
                        && value.getValueType() != JsonValue.ValueType.STRING) {
                    throw serialization(path, "a timestamp", value);
                }
            }
            default -> throw new IllegalStateException(model + ": shape " + shapeName + " has type " + type);
        }
    }

    private void structure(String shapeName, JsonObject object, String path, List<String> problems) {
        JsonObject shape = model.shape(shapeName);
        List<String> required = strings(shape.getJsonArray("required"));
        JsonObject members = shape.getJsonObject("members");
        for (var member : members.entrySet()) {
            String memberPath = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
            JsonValue value = object.get(member.getKey());
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                if (required.contains(member.getKey())) {
                    problems.add("Value null at '" + memberPath + "' failed to satisfy constraint: Member must not"
                            + " be null");
                }
                continue;
            }
            value(member.getValue().asJsonObject().getString("shape"), value, memberPath, problems);
        }
    }

    private void list(JsonObject shape, JsonArray array, String path, List<String> problems) {
        length(shape, array.size(), "[" + array.size() + " items]", path, problems);
        String member = shape.getJsonObject("member").getString("shape");
        for (int i = 0; i < array.size(); i++) {
            JsonValue element = array.get(i);
            String elementPath = path + "." + (i + 1) + ".member";
            if (element.getValueType() == JsonValue.ValueType.NULL) {
                problems.add("Value null at '" + elementPath + "' failed to satisfy constraint: Member must not be"
                        + " null");
            } else {
                value(member, element, elementPath, problems);
            }
        }
    }

    private void map(JsonObject shape, JsonObject map, String path, List<String> problems) {
        length(shape, map.size(), "[" + map.size() + " entries]", path, problems);
        String keyShape = shape.getJsonObject("key").getString("shape");
        String valueShape = shape.getJsonObject("value").getString("shape");
        for (var entry : map.entrySet()) {
            string(model.shape(keyShape), entry.getKey(), path + "." + entry.getKey() + ".key", problems);
            if (entry.getValue().getValueType() != JsonValue.ValueType.NULL) {
                value(valueShape, entry.getValue(), path + "." + entry.getKey() + ".value", problems);
            }
        }
    }

    private void string(JsonObject shape, String text, String path, List<String> problems) {
        // A sensitive value (a password) is never repeated in a message.
        String shown = shape.getBoolean("sensitive", false) ? null : text;
        length(shape, text.codePointCount(0, text.length()), shown, path, problems);
        if (shape.containsKey("pattern") && !model.pattern(shape.getString("pattern")).matcher(text).matches()) {
            problems.add(quote(shown) + " at '" + path + "' failed to satisfy constraint: Member must satisfy regular"
                    + " expression pattern: " + shape.getString("pattern"));
        }
        if (shape.containsKey("enum") && !strings(shape.getJsonArray("enum")).contains(text)) {
            problems.add(quote(shown) + " at '" + path + "' failed to satisfy constraint: Member must satisfy enum"
                    + " value set: " + strings(shape.getJsonArray("enum")));
        }
    }

    private static void blob(String text, String path) {
        try {
            Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InputViolation(InputViolation.Kind.SERIALIZATION, "Value at '" + path + "' must be base64"
                    + " text");
        }
    }

    private static void length(JsonObject shape, long length, String value, String path, List<String> problems) {
        if (shape.containsKey("min") && length < shape.getJsonNumber("min").longValue()) {
            problems.add(quote(value) + " at '" + path + "' failed to satisfy constraint: Member must have length"
                    + " greater than or equal to " + shape.getJsonNumber("min"));
        }
        if (shape.containsKey("max") && length > shape.getJsonNumber("max").longValue()) {
            problems.add(quote(value) + " at '" + path + "' failed to satisfy constraint: Member must have length"
                    + " less than or equal to " + shape.getJsonNumber("max"));
        }
    }

    private static void number(JsonObject shape, BigDecimal value, String path, List<String> problems) {
        if (shape.containsKey("min") && value.compareTo(shape.getJsonNumber("min").bigDecimalValue()) < 0) {
            problems.add(quote(value.toPlainString()) + " at '" + path + "' failed to satisfy constraint: Member must"
                    + " have value greater than or equal to " + shape.getJsonNumber("min"));
        }
        if (shape.containsKey("max") && value.compareTo(shape.getJsonNumber("max").bigDecimalValue()) > 0) {
            problems.add(quote(value.toPlainString()) + " at '" + path + "' failed to satisfy constraint: Member must"
                    + " have value less than or equal to " + shape.getJsonNumber("max"));
        }
    }

    private static JsonValue expect(JsonValue value, JsonValue.ValueType type, String what, String path) {
        if (value.getValueType() != type) {
            throw serialization(path, what, value);
        }
        return value;
    }

    private static InputViolation serialization(String path, String expected, JsonValue actual) {
        String found = switch (actual.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
        return new InputViolation(InputViolation.Kind.SERIALIZATION, "Value at '" + path + "' must be " + expected
                + ", not " + found);
    }

    /** {@code Value 'text'}, cut short when long; just {@code Value} for a value not to be shown. */
    private static String quote(String text) {
        if (text == null) {
            return "Value";
        }
        String shown = text.length() > QUOTED ? text.substring(0, QUOTED) + "…" : text;
        return "Value '" + shown + "'";
    }

    private static List<String> strings(JsonArray array) {
        return array == null ? List.of() : array.getValuesAs(JsonString.class).stream().map(JsonString::getString)
                .collect(Collectors.toList());
    }
}
