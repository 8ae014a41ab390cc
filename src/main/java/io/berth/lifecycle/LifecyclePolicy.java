package io.berth.lifecycle;

import static io.berth.platform.Jsonp.JSON;

import io.berth.registry.TagPatterns;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A parsed and validated ECR lifecycle policy: its rules, lowest {@code rulePriority} (applied first) first. */
public final class LifecyclePolicy {

    /** ECR refuses patterns with more wildcards than this. */
    static final int MAX_WILDCARDS = TagPatterns.MAX_WILDCARDS;

    private static final Set<String> POLICY_MEMBERS = Set.of("rules");
    private static final Set<String> RULE_MEMBERS = Set.of("rulePriority", "description", "selection", "action");
    private static final Set<String> SELECTION_MEMBERS =
            Set.of("tagStatus", "tagPrefixList", "tagPatternList", "countType", "countUnit", "countNumber");
    private static final Set<String> ACTION_MEMBERS = Set.of("type");

    private final List<Rule> rules;

    private LifecyclePolicy(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rules in the order they apply: lowest {@code rulePriority} first. */
    public List<Rule> rules() {
        return rules;
    }

    /** Parses and validates policy JSON; anything ECR would refuse throws {@link LifecyclePolicyException}. */
    public static LifecyclePolicy parse(String json) {
        if (json == null) {
            throw new LifecyclePolicyException("policy is missing");
        }
        JsonValue root;
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            root = reader.readValue();
        } catch (JsonException e) {
            throw new LifecyclePolicyException("policy is not valid JSON: " + e.getMessage());
        }
        if (root.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new LifecyclePolicyException("policy must be a JSON object");
        }
        JsonObject policy = root.asJsonObject();
        refuseUnknown(policy, POLICY_MEMBERS, "policy");
        JsonValue rulesValue = policy.get("rules");
        if (rulesValue == null || rulesValue.getValueType() != JsonValue.ValueType.ARRAY
                || rulesValue.asJsonArray().isEmpty()) {
            throw new LifecyclePolicyException("policy: rules must be a non-empty array");
        }
        JsonArray array = rulesValue.asJsonArray();
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            rules.add(parseRule(array.get(i), i));
        }
        checkAcrossRules(rules);
        rules.sort(Comparator.comparingInt(Rule::rulePriority));
        return new LifecyclePolicy(rules);
    }

    private static Rule parseRule(JsonValue value, int index) {
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new LifecyclePolicyException("rules[" + index + "]: must be an object");
        }
        JsonObject rule = value.asJsonObject();
        // Until the priority is known the rule is named by its position; afterwards by its priority.
        int priority = integer(rule, "rulePriority", "rules[" + index + "]");
        String name = "rule " + priority;
        if (priority < 1) {
            throw new LifecyclePolicyException(name + ": rulePriority must be at least 1");
        }
        refuseUnknown(rule, RULE_MEMBERS, name);
        String description = null;
        if (rule.containsKey("description")) {
            description = string(rule.get("description"), name + ": description");
        }
        JsonObject selection = object(rule, "selection", name);
        JsonObject action = object(rule, "action", name);
        refuseUnknown(selection, SELECTION_MEMBERS, name + ": selection");
        refuseUnknown(action, ACTION_MEMBERS, name + ": action");

        if (!selection.containsKey("tagStatus")) {
            throw new LifecyclePolicyException(name + ": tagStatus is required");
        }
        String tagStatusName = string(selection.get("tagStatus"), name + ": tagStatus");
        TagStatus tagStatus = TagStatus.fromJson(tagStatusName);
        if (tagStatus == null) {
            throw new LifecyclePolicyException(
                    name + ": tagStatus must be tagged, untagged or any, not " + tagStatusName);
        }
        List<String> prefixes = stringList(selection, "tagPrefixList", name);
        List<String> patterns = stringList(selection, "tagPatternList", name);
        boolean hasPrefixes = selection.containsKey("tagPrefixList");
        boolean hasPatterns = selection.containsKey("tagPatternList");
        if (tagStatus == TagStatus.TAGGED) {
            if (hasPrefixes && hasPatterns) {
                throw new LifecyclePolicyException(
                        name + ": tagStatus tagged takes tagPrefixList or tagPatternList, not both");
            }
            if (prefixes.isEmpty() && patterns.isEmpty()) {
                throw new LifecyclePolicyException(name + ": tagStatus tagged needs tagPrefixList or tagPatternList");
            }
        } else if (hasPrefixes || hasPatterns) {
            throw new LifecyclePolicyException(
                    name + ": tagStatus " + tagStatus.json() + " takes neither tagPrefixList nor tagPatternList");
        }
        for (String prefix : prefixes) {
            if (prefix.isEmpty()) {
                throw new LifecyclePolicyException(name + ": tagPrefixList entries must not be empty");
            }
        }
        for (String pattern : patterns) {
            if (pattern.isEmpty()) {
                throw new LifecyclePolicyException(name + ": tagPatternList entries must not be empty");
            }
            long wildcards = TagPatterns.wildcards(pattern);
            if (wildcards > MAX_WILDCARDS) {
                throw new LifecyclePolicyException(name + ": tag pattern " + pattern + " has " + wildcards
                        + " wildcards, at most " + MAX_WILDCARDS + " are allowed");
            }
        }

        if (!selection.containsKey("countType")) {
            throw new LifecyclePolicyException(name + ": countType is required");
        }
        String countTypeName = string(selection.get("countType"), name + ": countType");
        CountType countType = CountType.fromJson(countTypeName);
        if (countType == null) {
            throw new LifecyclePolicyException(name
                    + ": countType must be imageCountMoreThan, sinceImagePushed or sinceImagePulled, not "
                    + countTypeName);
        }
        if (countType.isAge()) {
            if (!selection.containsKey("countUnit")) {
                throw new LifecyclePolicyException(name + ": countType " + countTypeName + " needs countUnit days");
            }
            String unit = string(selection.get("countUnit"), name + ": countUnit");
            if (!unit.equals("days")) {
                throw new LifecyclePolicyException(name + ": countUnit must be days, not " + unit);
            }
        } else if (selection.containsKey("countUnit")) {
            throw new LifecyclePolicyException(name + ": countType " + countTypeName + " takes no countUnit");
        }
        int countNumber = integer(selection, "countNumber", name);
        if (countNumber < 1) {
            throw new LifecyclePolicyException(name + ": countNumber must be greater than 0");
        }

        if (!action.containsKey("type")) {
            throw new LifecyclePolicyException(name + ": action type is required");
        }
        String actionType = string(action.get("type"), name + ": action type");
        if (!actionType.equals("expire")) {
            throw new LifecyclePolicyException(name + ": action type must be expire, not " + actionType);
        }
        return new Rule(priority, description, tagStatus, prefixes, patterns, countType, countNumber);
    }

    /** The checks that need all rules: unique priorities, {@code any} last, one untagged rule. */
    private static void checkAcrossRules(List<Rule> rules) {
        Set<Integer> priorities = new HashSet<>();
        int highest = 0;
        for (Rule rule : rules) {
            if (!priorities.add(rule.rulePriority())) {
                throw new LifecyclePolicyException("rule " + rule.rulePriority()
                        + ": rulePriority must be unique, another rule has it too");
            }
            highest = Math.max(highest, rule.rulePriority());
        }
        Integer untagged = null;
        for (Rule rule : rules) {
            if (rule.tagStatus() == TagStatus.ANY && rule.rulePriority() != highest) {
                throw new LifecyclePolicyException("rule " + rule.rulePriority()
                        + ": tagStatus any must have the highest rulePriority, but rule " + highest + " comes after it");
            }
            if (rule.tagStatus() == TagStatus.UNTAGGED) {
                if (untagged != null) {
                    throw new LifecyclePolicyException("rule " + rule.rulePriority()
                            + ": only one rule may select untagged images, rule " + untagged + " does already");
                }
                untagged = rule.rulePriority();
            }
        }
    }

    private static void refuseUnknown(JsonObject object, Set<String> known, String where) {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                throw new LifecyclePolicyException(where + ": unknown member " + key);
            }
        }
    }

    private static JsonObject object(JsonObject parent, String key, String name) {
        JsonValue value = parent.get(key);
        if (value == null) {
            throw new LifecyclePolicyException(name + ": " + key + " is required");
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new LifecyclePolicyException(name + ": " + key + " must be an object");
        }
        return value.asJsonObject();
    }

    private static int integer(JsonObject parent, String key, String name) {
        JsonValue value = parent.get(key);
        if (value == null) {
            throw new LifecyclePolicyException(name + ": " + key + " is required");
        }
        if (value instanceof JsonNumber number && number.isIntegral()) {
            try {
                return number.intValueExact();
            } catch (ArithmeticException e) {
                // Falls through to the message below: the number does not fit an int.
            }
        }
        throw new LifecyclePolicyException(name + ": " + key + " must be an integer");
    }

    private static String string(JsonValue value, String what) {
        if (value instanceof JsonString string) {
            return string.getString();
        }
        throw new LifecyclePolicyException(what + " must be a string");
    }

    /** The list's strings, or an empty list when the member is absent. */
    private static List<String> stringList(JsonObject selection, String key, String name) {
        JsonValue value = selection.get(key);
        if (value == null) {
            return List.of();
        }
        if (value.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new LifecyclePolicyException(name + ": " + key + " must be an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (JsonValue item : value.asJsonArray()) {
            strings.add(string(item, name + ": " + key + " entries"));
        }
        return strings;
    }
}
