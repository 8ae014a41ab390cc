package io.berth.ecr;

import io.berth.registry.Names;
import io.berth.registry.RepositorySettings;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repository inputs turned into the domain's values. The model check has run before ({@link EcrApi}): members have
 * their modelled types, lengths, enums and patterns, so what is left here are the rules ECR's model cannot say.
 */
final class RepositoryInput {

    static final int MAX_TAGS = 50;

    private RepositoryInput() {
    }

    static RepositorySettings settings(JsonObject input) {
        String mutability = input.getString("imageTagMutability", "MUTABLE");
        boolean withExclusion = mutability.endsWith("_WITH_EXCLUSION");
        JsonArray filters = input.getJsonArray("imageTagMutabilityExclusionFilters");
        if (filters != null && !withExclusion) {
            throw invalid("imageTagMutabilityExclusionFilters", "only allowed with MUTABLE_WITH_EXCLUSION or "
                    + "IMMUTABLE_WITH_EXCLUSION");
        }
        if (filters == null && withExclusion) {
            throw invalid("imageTagMutabilityExclusionFilters", "required with " + mutability);
        }
        // At most four wildcards each (berth-ecr-constraints.json tightens ECR's model so): matching is linear
        // whatever the pattern, and the bound keeps filters what ECR's lifecycle rules allow.
        List<String> exclusions = filters == null ? List.of() : filters.getValuesAs(JsonObject.class).stream()
                .map(filter -> filter.getString("filter")).toList();
        JsonObject scanning = input.getJsonObject("imageScanningConfiguration");
        boolean scanOnPush = scanning != null && scanning.getBoolean("scanOnPush", false);
        JsonObject encryption = input.getJsonObject("encryptionConfiguration");
        String encryptionType = encryption == null ? "AES256" : encryption.getString("encryptionType");
        String kmsKey = encryption == null ? null : encryption.getString("kmsKey", null);
        if (kmsKey != null && encryptionType.equals("AES256")) {
            throw invalid("encryptionConfiguration.kmsKey", "only with KMS encryption");
        }
        return new RepositorySettings(mutability, exclusions, scanOnPush, encryptionType, kmsKey);
    }

    static Map<String, String> tags(JsonObject input) {
        Map<String, String> tags = new LinkedHashMap<>();
        JsonArray list = input.getJsonArray("tags");
        if (list == null) {
            return tags;
        }
        if (list.size() > MAX_TAGS) {
            throw new EcrException("TooManyTagsException", "A repository can have at most " + MAX_TAGS + " tags");
        }
        for (JsonObject tag : list.getValuesAs(JsonObject.class)) {
            String key = tag.getString("Key");
            if (key.startsWith("aws:")) {
                throw new EcrException("InvalidTagParameterException", "Tag keys may not begin with aws:");
            }
            tags.put(key, tag.getString("Value"));
        }
        return tags;
    }

    /** Repository names of the caller's account: a first component of 12 digits names an account instead. */
    static List<String> names(JsonObject input, String member) {
        List<String> names = new ArrayList<>();
        for (JsonString name : input.getJsonArray(member).getValuesAs(JsonString.class)) {
            if (Names.isAccountPrefixed(name.getString())) {
                throw invalid(member, "a first component of 12 digits is an account id, not part of a name");
            }
            names.add(name.getString());
        }
        return names;
    }

    /** The page size asked for; without one, ECR's default of 100 (or the operation's maximum, when smaller). */
    static int maxResults(JsonObject input, int max) {
        return input.getInt("maxResults", Math.min(100, max));
    }

    static EcrException invalid(String member, String constraint) {
        return new EcrException("InvalidParameterException", "Invalid parameter at '" + member
                + "' failed to satisfy constraint: '" + constraint + "'");
    }
}
