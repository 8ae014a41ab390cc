package io.berth.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Inputs generated from an AWS service model (the copy the WAR validates with): a minimal valid input for an
 * operation, and for each of its members the ways to break it that the model rules out: a wrong JSON type, a missing
 * required member, a value past a length or range limit, a value outside an enum or a pattern.
 */
final class ModelCases {

    /** One broken input: what was broken, at which member path, and the input itself. */
    record Case(String operation, String how, String path, String type, JsonObject input) {
        @Override
        public String toString() {
            return operation + " " + how + " at " + path;
        }
    }

    /** Valid values for shapes whose pattern a generated text would not match. */
    private static final Map<String, String> VALID = Map.ofEntries(
            Map.entry("RepositoryName", "model/valid"),
            Map.entry("RegistryId", "000000000000"),
            Map.entry("ImageDigest", "sha256:" + "a".repeat(64)),
            Map.entry("LayerDigest", "sha256:" + "b".repeat(64)),
            Map.entry("UploadId", "00000000-0000-4000-8000-000000000000"),
            Map.entry("Arn", "arn:aws:ecr:us-east-1:000000000000:repository/model/valid"),
            Map.entry("RepositoryPolicyText", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                    + "\"Principal\":\"*\",\"Action\":\"ecr:ListImages\"}]}"),
            Map.entry("RegistryPolicyText", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                    + "\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"},\"Action\":\"ecr:ReplicateImage\","
                    + "\"Resource\":\"*\"}]}"),
            Map.entry("LifecyclePolicyText", "{\"rules\":[{\"rulePriority\":1,\"selection\":{\"tagStatus\":\"any\","
                    + "\"countType\":\"imageCountMoreThan\",\"countNumber\":1000},\"action\":{\"type\":\"expire\"}}]}"),
            Map.entry("ImageManifest", "{\"schemaVersion\":2}"),
            Map.entry("ImageTagMutabilityExclusionFilterValue", "dev-*"));

    private final JsonObject shapes;
    private final JsonObject operations;

    ModelCases(String file) {
        try (InputStream in = ModelCases.class.getClassLoader().getResourceAsStream("aws-models/" + file);
             JsonReader reader = Json.createReader(in)) {
            JsonObject model = reader.readObject();
            shapes = model.getJsonObject("shapes");
            operations = model.getJsonObject("operations");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<String> operations() {
        return new ArrayList<>(operations.keySet());
    }

    private JsonObject shape(String name) {
        return shapes.getJsonObject(name);
    }

    private String inputShape(String operation) {
        JsonObject input = operations.getJsonObject(operation).getJsonObject("input");
        return input == null ? null : input.getString("shape");
    }

    /** The smallest input the model accepts: every required member, with a valid value. */
    JsonObject minimal(String operation) {
        String shape = inputShape(operation);
        if (shape == null) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try {
            return (JsonObject) valid(shape, true);
        } catch (IllegalStateException noValidValueKnown) {
            // Good enough to find out whether the server implements the operation; the test fails on a minimal
            // input that the server then refuses as invalid.
            return (JsonObject) valid(shape, false);
        }
    }

    /**
     * A value of the shape; {@code strict}: one the model accepts (a text matching the shape's pattern must be in
     * {@link #VALID}), else one of the right JSON type at least, to break the members around it.
     */
    private JsonValue valid(String shapeName, boolean strict) {
        JsonObject shape = shape(shapeName);
        switch (shape.getString("type")) {
            case "structure" -> {
                JsonObjectBuilder object = Json.createObjectBuilder();
                JsonArray required = shape.getJsonArray("required");
                if (required != null) {
                    for (JsonString member : required.getValuesAs(JsonString.class)) {
                        object.add(member.getString(), valid(memberShape(shape, member.getString()), strict));
                    }
                }
                return object.build();
            }
            case "list" -> {
                JsonArrayBuilder list = Json.createArrayBuilder();
                int size = Math.max(1, shape.getInt("min", 1));
                for (int i = 0; i < size; i++) {
                    list.add(valid(shape.getJsonObject("member").getString("shape"), strict));
                }
                return list.build();
            }
            case "map" -> {
                return Json.createObjectBuilder().add("key", valid(shape.getJsonObject("value").getString("shape"),
                        strict)).build();
            }
            case "integer", "long" -> {
                return Json.createValue(shape.containsKey("min") ? shape.getJsonNumber("min").longValue() : 1);
            }
            case "double", "float" -> {
                return Json.createValue(1.0);
            }
            case "boolean" -> {
                return JsonValue.TRUE;
            }
            case "blob" -> {
                return Json.createValue("eA==");
            }
            case "timestamp" -> {
                return Json.createValue(1_700_000_000);
            }
            default -> {
                if (shape.containsKey("enum")) {
                    return Json.createValue(shape.getJsonArray("enum").getString(0));
                }
                String value = VALID.getOrDefault(shapeName, "a".repeat(Math.max(1, shape.getInt("min", 1))));
                if (strict && shape.containsKey("pattern") && !Pattern.compile(shape.getString("pattern"))
                        .matcher(value).matches()) {
                    throw new IllegalStateException("ModelCases needs a valid value for shape " + shapeName);
                }
                return Json.createValue(value);
            }
        }
    }

    private static String memberShape(JsonObject structure, String member) {
        return structure.getJsonObject("members").getJsonObject(member).getString("shape");
    }

    /** Every broken input of an operation, each breaking one member in one way. */
    List<Case> broken(String operation) {
        List<Case> cases = new ArrayList<>();
        String shape = inputShape(operation);
        if (shape != null) {
            breakStructure(operation, shape, minimal(operation), "", new ArrayList<>(), cases);
        }
        return cases;
    }

    /**
     * Breaks each member of the structure at {@code location} (a list of member names and list indexes inside the
     * minimal input), recursing into structures and the first element of lists.
     */
    private void breakStructure(String operation, String shapeName, JsonObject minimal, String path,
                                List<Object> location, List<Case> cases) {
        JsonObject shape = shape(shapeName);
        List<String> required = shape.containsKey("required")
                ? shape.getJsonArray("required").getValuesAs(JsonString.class).stream().map(JsonString::getString)
                .toList() : List.of();
        for (String member : shape.getJsonObject("members").keySet()) {
            String memberPath = path.isEmpty() ? member : path + "." + member;
            String memberShapeName = memberShape(shape, member);
            JsonObject memberShape = shape(memberShapeName);
            List<Object> at = new ArrayList<>(location);
            at.add(member);
            if (required.contains(member)) {
                cases.add(new Case(operation, "missing", memberPath, memberShape.getString("type"),
                        remove(minimal, at)));
            }
            JsonValue good = valid(memberShapeName, false);
            cases.add(new Case(operation, "wrong type", memberPath, memberShape.getString("type"),
                    put(minimal, at, wrongType(good))));
            for (JsonValue bad : constraintBreakers(memberShape, good)) {
                cases.add(new Case(operation, "constraint", memberPath, memberShape.getString("type"),
                        put(minimal, at, bad)));
            }
            JsonObject withMember = put(minimal, at, good);
            switch (memberShape.getString("type")) {
                case "structure" -> breakStructure(operation, memberShapeName, withMember, memberPath, at, cases);
                case "list" -> {
                    String element = memberShape.getJsonObject("member").getString("shape");
                    if ("structure".equals(shape(element).getString("type"))) {
                        List<Object> first = new ArrayList<>(at);
                        first.add(0);
                        breakStructure(operation, element, withMember, memberPath + ".1.member", first, cases);
                    }
                }
                default -> {
                    // scalars are broken above
                }
            }
        }
    }

    private static JsonValue wrongType(JsonValue good) {
        return switch (good.getValueType()) {
            case STRING -> Json.createValue(7);
            case NUMBER, TRUE, FALSE -> Json.createValue("seven");
            case ARRAY -> Json.createValue("not a list");
            default -> Json.createArrayBuilder().add(1).build();
        };
    }

    /** Values of the right type that break the shape's constraints; {@code good} is a valid value. */
    private static List<JsonValue> constraintBreakers(JsonObject shape, JsonValue good) {
        List<JsonValue> bad = new ArrayList<>();
        String type = shape.getString("type");
        if (type.equals("string")) {
            if (shape.containsKey("enum")) {
                bad.add(Json.createValue("NOT_IN_THE_ENUM"));
            }
            if (shape.containsKey("max") && shape.getInt("max") < 100_000) {
                bad.add(Json.createValue("a".repeat(shape.getInt("max") + 1)));
            }
            if (shape.containsKey("pattern") && !Pattern.compile(shape.getString("pattern")).matcher("!?").matches()) {
                bad.add(Json.createValue("!?"));
            }
        } else if (type.equals("integer") || type.equals("long")) {
            if (shape.containsKey("max")) {
                bad.add(Json.createValue(shape.getJsonNumber("max").longValue() + 1));
            }
            if (shape.containsKey("min")) {
                bad.add(Json.createValue(shape.getJsonNumber("min").longValue() - 1));
            }
        } else if (type.equals("list") && shape.containsKey("max") && shape.getInt("max") < 10_000) {
            JsonArrayBuilder tooMany = Json.createArrayBuilder();
            for (int i = 0; i <= shape.getInt("max"); i++) {
                tooMany.add(good.asJsonArray().get(0));
            }
            bad.add(tooMany.build());
        }
        return bad;
    }

    private static JsonObject put(JsonObject root, List<Object> at, JsonValue value) {
        return (JsonObject) edit(root, at, 0, value);
    }

    private static JsonObject remove(JsonObject root, List<Object> at) {
        return (JsonObject) edit(root, at, 0, null);
    }

    /** A copy of {@code node} with the value at {@code at} replaced ({@code value}) or removed (null). */
    private static JsonValue edit(JsonValue node, List<Object> at, int depth, JsonValue value) {
        Object step = at.get(depth);
        boolean last = depth == at.size() - 1;
        if (step instanceof String member) {
            JsonObjectBuilder copy = Json.createObjectBuilder(node.asJsonObject());
            if (last) {
                return (value == null ? copy.remove(member) : copy.add(member, value)).build();
            }
            return copy.add(member, edit(node.asJsonObject().get(member), at, depth + 1, value)).build();
        }
        int index = (Integer) step;
        JsonArrayBuilder copy = Json.createArrayBuilder(node.asJsonArray());
        return copy.set(index, last ? value : edit(node.asJsonArray().get(index), at, depth + 1, value)).build();
    }
}
