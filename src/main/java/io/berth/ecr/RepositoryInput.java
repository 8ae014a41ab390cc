package io.berth.ecr;

import io.berth.registry.Names;
import io.berth.registry.RepositorySettings;
import io.berth.registry.TagPatterns;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks repository inputs against the ECR model's constraints, naming the member that is wrong. */
final class RepositoryInput {

    static final int MAX_TAGS = 50;
    private static final Set<String> MUTABILITY = Set.of("MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION",
            "IMMUTABLE_WITH_EXCLUSION");
    private static final Set<String> ENCRYPTION = Set.of("AES256", "KMS", "KMS_DSSE");
    private static final Pattern EXCLUSION_FILTER = Pattern.compile("[0-9a-zA-Z._*-]{1,128}");

    private RepositoryInput() {
    }

    static RepositorySettings settings(JsonObject input) {
        String mutability = string(input, "imageTagMutability", "MUTABLE");
        if (!MUTABILITY.contains(mutability)) {
            throw invalid("imageTagMutability", "Member must satisfy enum value set: " + MUTABILITY);
        }
        List<String> exclusions = new ArrayList<>();
        JsonArray filters = array(input, "imageTagMutabilityExclusionFilters");
        boolean withExclusion = mutability.endsWith("_WITH_EXCLUSION");
        if (filters != null) {
            if (!withExclusion) {
                throw invalid("imageTagMutabilityExclusionFilters", "only allowed with MUTABLE_WITH_EXCLUSION or "
                        + "IMMUTABLE_WITH_EXCLUSION");
            }
            if (filters.isEmpty() || filters.size() > 5) {
                throw invalid("imageTagMutabilityExclusionFilters", "Member must have length between 1 and 5");
            }
            for (JsonValue value : filters) {
                JsonObject filter = value instanceof JsonObject o ? o : null;
                if (filter == null || !"WILDCARD".equals(string(filter, "filterType", null))) {
                    throw invalid("imageTagMutabilityExclusionFilters.filterType", "Member must be WILDCARD");
                }
                String pattern = string(filter, "filter", null);
                if (pattern == null || !EXCLUSION_FILTER.matcher(pattern).matches()) {
                    throw invalid("imageTagMutabilityExclusionFilters.filter",
                            "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$");
                }
                if (TagPatterns.wildcards(pattern) > TagPatterns.MAX_WILDCARDS) {
                    throw invalid("imageTagMutabilityExclusionFilters.filter", "a filter has at most "
                            + TagPatterns.MAX_WILDCARDS + " wildcards (*), '" + pattern + "' has "
                            + TagPatterns.wildcards(pattern));
                }
                exclusions.add(pattern);
            }
        } else if (withExclusion) {
            throw invalid("imageTagMutabilityExclusionFilters", "required with " + mutability);
        }
        boolean scanOnPush = false;
        JsonObject scanning = object(input, "imageScanningConfiguration");
        if (scanning != null && scanning.containsKey("scanOnPush")) {
            JsonValue flag = scanning.get("scanOnPush");
            if (flag != JsonValue.TRUE && flag != JsonValue.FALSE) {
                throw invalid("imageScanningConfiguration.scanOnPush", "Member must be a boolean");
            }
            scanOnPush = flag == JsonValue.TRUE;
        }
        String encryptionType = "AES256";
        String kmsKey = null;
        JsonObject encryption = object(input, "encryptionConfiguration");
        if (encryption != null) {
            encryptionType = string(encryption, "encryptionType", null);
            if (encryptionType == null || !ENCRYPTION.contains(encryptionType)) {
                throw invalid("encryptionConfiguration.encryptionType", "Member must satisfy enum value set: "
                        + ENCRYPTION);
            }
            kmsKey = string(encryption, "kmsKey", null);
            if (kmsKey != null && (encryptionType.equals("AES256") || kmsKey.isEmpty() || kmsKey.length() > 2048)) {
                throw invalid("encryptionConfiguration.kmsKey", "only with KMS encryption, 1 to 2048 characters");
            }
        }
        return new RepositorySettings(mutability, exclusions, scanOnPush, encryptionType, kmsKey);
    }

    static Map<String, String> tags(JsonObject input) {
        Map<String, String> tags = new LinkedHashMap<>();
        JsonArray list = array(input, "tags");
        if (list == null) {
            return tags;
        }
        if (list.size() > MAX_TAGS) {
            throw new EcrException("TooManyTagsException", "A repository can have at most " + MAX_TAGS + " tags");
        }
        for (JsonValue value : list) {
            JsonObject tag = value instanceof JsonObject o ? o : null;
            String key = tag == null ? null : string(tag, "Key", null);
            String text = tag == null ? null : string(tag, "Value", null);
            if (key == null || key.isEmpty() || key.length() > 128 || key.startsWith("aws:") || text == null
                    || text.length() > 256) {
                throw new EcrException("InvalidTagParameterException", "Tag keys have 1 to 128 characters and may not"
                        + " begin with aws:; tag values have at most 256 characters; both are required");
            }
            tags.put(key, text);
        }
        return tags;
    }

    static List<String> names(JsonObject input, String member, int max) {
        JsonArray list = array(input, member);
        if (list == null || list.isEmpty() || list.size() > max) {
            throw invalid(member, "Member must have length between 1 and " + max);
        }
        List<String> names = new ArrayList<>();
        for (JsonValue value : list) {
            if (!(value instanceof JsonString text) || !Names.isRepositoryName(text.getString())
                    || Names.accountPrefixed(text.getString()).isPresent()) {
                throw invalid(member, "Member must satisfy regular expression pattern: "
                        + "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*");
            }
            names.add(text.getString());
        }
        return names;
    }

    /** The page size asked for; without one, ECR's default of 100. */
    static int maxResults(JsonObject input, int max) {
        JsonValue value = input.get("maxResults");
        if (value == null || value == JsonValue.NULL) {
            return Math.min(100, max);
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral() || number.longValue() < 1
                || number.longValue() > max) {
            throw invalid("maxResults", "Member must have value between 1 and " + max);
        }
        return number.intValue();
    }

    private static String string(JsonObject object, String member, String fallback) {
        JsonValue value = object.get(member);
        if (value == null || value == JsonValue.NULL) {
            return fallback;
        }
        if (!(value instanceof JsonString text)) {
            throw invalid(member, "Member must be a string");
        }
        return text.getString();
    }

    private static JsonArray array(JsonObject object, String member) {
        JsonValue value = object.get(member);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray list)) {
            throw invalid(member, "Member must be a list");
        }
        return list;
    }

    private static JsonObject object(JsonObject object, String member) {
        JsonValue value = object.get(member);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonObject structure)) {
            throw invalid(member, "Member must be a structure");
        }
        return structure;
    }

    static EcrException invalid(String member, String constraint) {
        return new EcrException("InvalidParameterException", "Invalid parameter at '" + member
                + "' failed to satisfy constraint: '" + constraint + "'");
    }
}
