package io.berth.security.policy;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A statement's Condition block. IAM semantics: every operator must hold, every key under an operator must hold,
 * and several policy values for one key are alternatives.
 */
final class Condition {

    static final Condition NONE = new Condition(List.of());

    private final List<Clause> clauses;

    private Condition(List<Clause> clauses) {
        this.clauses = List.copyOf(clauses);
    }

    /** One key under one operator, e.g. "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.1"]}. */
    private record Clause(ConditionOperator operator, String key, List<String> values,
            Predicate<String> matchesAnyValue, String what) {

        boolean holds(AccessRequest request) {
            List<String> actual = request.values(key);
            if (operator.test() == ConditionOperator.Test.NULL) {
                // {"key": "true"} holds when the key is absent, "false" when it is present.
                return values.stream().anyMatch(v -> Boolean.parseBoolean(v) == actual.isEmpty());
            }
            if (actual.isEmpty()) {
                if (operator.ifExists()) {
                    return true;
                }
                return switch (operator.qualifier()) {
                    case FOR_ANY_VALUE -> false;
                    case FOR_ALL_VALUES -> true; // vacuously: no value fails
                    case SINGLE -> operator.negated(); // nothing equals the value, so "not equals" holds
                };
            }
            Predicate<String> valueHolds = operator.negated() ? matchesAnyValue.negate() : matchesAnyValue;
            return switch (operator.qualifier()) {
                case FOR_ANY_VALUE -> actual.stream().anyMatch(valueHolds);
                case FOR_ALL_VALUES -> actual.stream().allMatch(valueHolds);
                // A plain operator on a multi-valued key: some request value matches some policy value; negated,
                // no request value matches any policy value.
                case SINGLE -> operator.negated() ? actual.stream().allMatch(valueHolds)
                        : actual.stream().anyMatch(valueHolds);
            };
        }
    }

    boolean holds(AccessRequest request) {
        return clauses.stream().allMatch(clause -> clause.holds(request));
    }

    /** The clauses whose key Berth never sets, described as "Statement[0]: Condition Bool 'aws:…'". */
    List<String> unsupportedKeys() {
        return clauses.stream().filter(clause -> !ConditionKeys.isSupported(clause.key())).map(Clause::what)
                .toList();
    }

    /** {@code where} is the statement's label. */
    static Condition parse(JsonValue value, String where) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new PolicyException(where + ": Condition must be an object such as "
                    + "{\"StringEquals\": {\"aws:username\": \"alice\"}}");
        }
        List<Clause> clauses = new ArrayList<>();
        for (var operatorEntry : value.asJsonObject().entrySet()) {
            ConditionOperator operator = ConditionOperator.parse(operatorEntry.getKey(), where);
            if (operatorEntry.getValue().getValueType() != JsonValue.ValueType.OBJECT) {
                throw new PolicyException(where + ": Condition " + operator.name()
                        + " must be an object of condition keys and values");
            }
            JsonObject keys = operatorEntry.getValue().asJsonObject();
            for (var keyEntry : keys.entrySet()) {
                String key = keyEntry.getKey();
                String what = where + ": Condition " + operator.name() + " '" + key + "'";
                if (key.isBlank()) {
                    throw new PolicyException(where + ": Condition " + operator.name() + " has an empty key");
                }
                List<String> values = values(keyEntry.getValue(), what);
                clauses.add(new Clause(operator, key, values, matcher(operator, values, what), what));
            }
        }
        return new Condition(clauses);
    }

    // Condition values may be strings, numbers or booleans; IAM compares them as text.
    private static List<String> values(JsonValue value, String what) {
        List<JsonValue> elements = value.getValueType() == JsonValue.ValueType.ARRAY ? value.asJsonArray()
                : List.of(value);
        if (elements.isEmpty()) {
            throw new PolicyException(what + " has no values");
        }
        List<String> values = new ArrayList<>();
        for (JsonValue element : elements) {
            String text = switch (element.getValueType()) {
                case STRING -> ((JsonString) element).getString();
                case NUMBER, TRUE, FALSE -> element.toString();
                default -> throw new PolicyException(what + " must be a string, number or boolean, or an array of "
                        + "them");
            };
            PolicyJson.noPolicyVariables(text, what + " value");
            values.add(text);
        }
        return List.copyOf(values);
    }

    /** Checks the policy values for the operator and returns "a request value matches one of them". */
    private static Predicate<String> matcher(ConditionOperator operator, List<String> values, String what) {
        switch (operator.test()) {
            case STRING_EQUALS:
                return actual -> values.contains(actual);
            case STRING_EQUALS_IGNORE_CASE:
                return actual -> values.stream().anyMatch(actual::equalsIgnoreCase);
            case STRING_LIKE:
                return actual -> values.stream().anyMatch(pattern -> Wildcards.matches(pattern, actual));
            case ARN_LIKE:
                for (String pattern : values) {
                    if (!pattern.startsWith("arn:") || pattern.split(":", 6).length < 6) {
                        throw new PolicyException(what + ": '" + pattern + "' is not an ARN "
                                + "(arn:partition:service:region:account:resource)");
                    }
                }
                return actual -> values.stream().anyMatch(pattern -> arnMatches(pattern, actual));
            case IP_ADDRESS:
                List<IpRange> ranges = new ArrayList<>();
                for (String range : values) {
                    try {
                        ranges.add(IpRange.parse(range));
                    } catch (IllegalArgumentException e) {
                        throw new PolicyException(what + ": '" + range + "' is not a valid IP address or CIDR block: "
                                + e.getMessage());
                    }
                }
                return actual -> ranges.stream().anyMatch(range -> range.contains(actual));
            case BOOL:
            case NULL:
                for (String flag : values) {
                    if (!flag.equalsIgnoreCase("true") && !flag.equalsIgnoreCase("false")) {
                        throw new PolicyException(what + ": '" + flag + "' must be \"true\" or \"false\"");
                    }
                }
                return actual -> values.stream().anyMatch(actual::equalsIgnoreCase);
            default:
                throw new IllegalStateException(operator.test().name());
        }
    }

    // IAM compares ARNs segment by segment, so a wildcard never reaches across a colon into the next segment.
    static boolean arnMatches(String pattern, String arn) {
        String[] expected = pattern.split(":", 6);
        String[] actual = arn.split(":", 6);
        if (actual.length < 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (!Wildcards.matches(expected[i], actual[i])) {
                return false;
            }
        }
        return true;
    }
}
