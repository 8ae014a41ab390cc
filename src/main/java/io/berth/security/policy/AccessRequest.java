package io.berth.security.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One request to check: who asks, for which ECR action, on which resource, with which condition keys.
 *
 * @param principalArn     the caller, e.g. {@code arn:aws:iam::123456789012:user/alice}
 * @param principalAccount the caller's account id, e.g. {@code 123456789012}
 * @param action           e.g. {@code ecr:BatchGetImage}
 * @param resourceArn      e.g. {@code arn:aws:ecr:us-east-1:123456789012:repository/team/app}, or {@code *} for
 *                         account-level actions such as {@code ecr:GetAuthorizationToken}
 * @param context          condition keys and their values, e.g. {@code aws:SourceIp -> [10.1.2.3]}; keys are looked
 *                         up case-insensitively, as IAM does
 */
public record AccessRequest(String principalArn, String principalAccount, String action, String resourceArn,
        Map<String, List<String>> context) {

    public AccessRequest {
        Objects.requireNonNull(principalArn, "principalArn");
        Objects.requireNonNull(principalAccount, "principalAccount");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resourceArn, "resourceArn");
        context = caseInsensitive(context == null ? Map.of() : context);
    }

    /** A request without condition keys. */
    public AccessRequest(String principalArn, String principalAccount, String action, String resourceArn) {
        this(principalArn, principalAccount, action, resourceArn, Map.of());
    }

    /** The values of a condition key, empty when the request does not have it. */
    public List<String> values(String key) {
        return context.getOrDefault(key, List.of());
    }

    // IAM condition keys are case-insensitive; keys that differ only in case are one key with all their values.
    private static Map<String, List<String>> caseInsensitive(Map<String, List<String>> context) {
        TreeMap<String, List<String>> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        context.forEach((key, values) -> {
            List<String> merged = keys.computeIfAbsent(Objects.requireNonNull(key, "context key"),
                    k -> new ArrayList<>());
            merged.addAll(values == null ? List.of() : values);
        });
        keys.replaceAll((key, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(keys);
    }
}
