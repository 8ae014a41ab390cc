package io.berth.security.policy;

import static io.berth.platform.Jsonp.JSON;

import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A validated IAM policy document, identity or resource, and what it says about a request on its own. */
public final class Policy {

    private static final List<String> MEMBERS = List.of("Version", "Id", "Statement");
    private static final Set<String> VERSIONS = Set.of("2012-10-17", "2008-10-17");
    // Duplicate members are refused: with "Effect" twice, which one counts would depend on the parser.
    private static final JsonReaderFactory READERS = JSON.createReaderFactory(
            Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    private final String json;
    private final PolicyKind kind;
    private final List<Statement> statements;

    private Policy(String json, PolicyKind kind, List<Statement> statements) {
        this.json = json;
        this.kind = kind;
        this.statements = List.copyOf(statements);
    }

    /** Parses and fully validates a policy; a {@link PolicyException} says what is wrong. */
    public static Policy parse(String json, PolicyKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (json == null || json.isBlank()) {
            throw new PolicyException("policy is empty");
        }
        JsonValue document = read(json);
        if (document.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new PolicyException("policy must be a JSON object");
        }
        JsonObject policy = document.asJsonObject();
        PolicyJson.onlyMembers(policy, MEMBERS, "policy");
        String version = PolicyJson.optionalString(policy, "Version", "policy");
        if (version != null && !VERSIONS.contains(version)) {
            throw new PolicyException("policy: Version '" + version + "' is not supported; use \"2012-10-17\"");
        }
        PolicyJson.optionalString(policy, "Id", "policy");

        JsonValue statementValue = policy.get("Statement");
        if (statementValue == null) {
            throw new PolicyException("policy: Statement is missing");
        }
        List<Statement> statements = new ArrayList<>();
        if (statementValue.getValueType() == JsonValue.ValueType.ARRAY) {
            int index = 0;
            for (JsonValue element : statementValue.asJsonArray()) {
                statements.add(Statement.parse(element, "Statement[" + index++ + "]", kind));
            }
            if (statements.isEmpty()) {
                throw new PolicyException("policy: Statement is an empty array; a policy needs at least one");
            }
        } else if (statementValue.getValueType() == JsonValue.ValueType.OBJECT) {
            statements.add(Statement.parse(statementValue, "Statement", kind));
        } else {
            throw new PolicyException("policy: Statement must be an object or an array of objects");
        }
        Set<String> sids = new HashSet<>();
        for (Statement statement : statements) {
            if (statement.sid() != null && !statement.sid().isEmpty() && !sids.add(statement.sid())) {
                throw new PolicyException("policy: Sid '" + statement.sid() + "' is used by more than one statement");
            }
        }
        return new Policy(json, kind, statements);
    }

    /**
     * Parses a policy that is about to be stored: {@link #parse} and, beyond it, no condition on a key that Berth
     * never sets (such a condition could never do what its author meant: a Deny on a key that is never present
     * protects nothing). Policies stored earlier are read with {@link #parse}, which ignores such keys.
     */
    public static Policy validate(String json, PolicyKind kind) {
        Policy policy = parse(json, kind);
        for (Statement statement : policy.statements) {
            List<String> unsupported = statement.unsupportedConditionKeys();
            if (!unsupported.isEmpty()) {
                throw new PolicyException(unsupported.get(0) + ": Berth never sets this condition key; supported"
                        + " keys are " + ConditionKeys.DESCRIPTION);
            }
        }
        return policy;
    }

    /** The policy text as it was given. */
    public String json() {
        return json;
    }

    public PolicyKind kind() {
        return kind;
    }

    /** This policy alone: an explicit deny beats any allow; no matching statement is not applicable. */
    public Decision evaluate(AccessRequest request) {
        Decision decision = Decision.NOT_APPLICABLE;
        for (Statement statement : statements) {
            if (statement.applies(request)) {
                if (statement.deny()) {
                    return Decision.DENY;
                }
                decision = Decision.ALLOW;
            }
        }
        return decision;
    }

    @Override
    public String toString() {
        return json;
    }

    private static JsonValue read(String json) {
        try (JsonReader reader = READERS.createReader(new StringReader(json))) {
            JsonValue value = reader.read();
            requireNothingAfter(json);
            return value;
        } catch (JsonParsingException e) {
            throw notJson(e.getMessage(), e.getLocation());
        } catch (JsonException e) {
            throw notJson(e.getMessage(), null);
        }
    }

    // JsonReader stops after the first value and would silently ignore a second one; a second pass refuses it.
    private static void requireNothingAfter(String json) {
        try (JsonParser parser = JSON.createParser(new StringReader(json))) {
            parser.next();
            parser.getValue();
            if (parser.hasNext()) {
                throw notJson("unexpected content after the policy object", parser.getLocation());
            }
        }
    }

    private static PolicyException notJson(String message, JsonLocation location) {
        // Parsson puts "at (line no=1, column no=8, offset=7)" into its messages; say the position once, plainly.
        String problem = message == null ? "unreadable" : message.replaceAll("\\s*at \\(line no=[^)]*\\)", "");
        String position = location == null || location.getLineNumber() < 1 ? ""
                : "line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ": ";
        return new PolicyException("policy is not valid JSON: " + position + problem);
    }
}
