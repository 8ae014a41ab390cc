package io.berth.ecr;

import static io.berth.platform.Jsonp.JSON;

import io.berth.ecr.EcrApi.Call;
import io.berth.registry.Names;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
import io.berth.registry.RepositorySettings;
import io.berth.security.AccessControl;
import io.berth.security.SecuritySettings;
import io.berth.security.policy.Policy;
import io.berth.security.policy.PolicyException;
import io.berth.security.policy.PolicyKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ECR operations on a repository's settings and resource tags, and on the registry (an account) itself:
 * PutImageTagMutability, PutImageScanningConfiguration, TagResource, UntagResource, ListTagsForResource,
 * DescribeRegistry and the registry policy.
 */
@ApplicationScoped
public class RepositoryAdministration {

    private static final Pattern REPOSITORY_ARN =
            Pattern.compile("arn:aws:ecr:([a-z0-9-]+):([0-9]{12}):repository/(.+)");

    @Inject
    Repositories repositories;

    @Inject
    AccessControl accessControl;

    @Inject
    SecuritySettings settings;

    JsonObjectBuilder putImageTagMutability(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:PutImageTagMutability", repository, call.origin());
        RepositorySettings asked = RepositoryInput.settings(call.input());
        RepositorySettings updated = repositories.updateSettings(repository, current -> new RepositorySettings(
                asked.tagMutability(), asked.mutabilityExclusions(), current.scanOnPush(), current.encryptionType(),
                current.kmsKey()), call.caller().getName());
        JsonObjectBuilder out = EcrApi.repositoryIdentity(repository).add("imageTagMutability", updated.tagMutability());
        if (!updated.mutabilityExclusions().isEmpty()) {
            JsonArrayBuilder filters = JSON.createArrayBuilder();
            updated.mutabilityExclusions().forEach(f -> filters.add(JSON.createObjectBuilder()
                    .add("filterType", "WILDCARD").add("filter", f)));
            out.add("imageTagMutabilityExclusionFilters", filters);
        }
        return out;
    }

    JsonObjectBuilder putImageScanningConfiguration(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:PutImageScanningConfiguration", repository, call.origin());
        boolean scanOnPush = RepositoryInput.settings(call.input()).scanOnPush();
        repositories.updateSettings(repository, current -> new RepositorySettings(current.tagMutability(),
                current.mutabilityExclusions(), scanOnPush, current.encryptionType(), current.kmsKey()),
                call.caller().getName());
        return EcrApi.repositoryIdentity(repository).add("imageScanningConfiguration",
                JSON.createObjectBuilder().add("scanOnPush", scanOnPush));
    }

    JsonObjectBuilder tagResource(Call call) {
        RepositoryName repository = repositoryOf(call.required("resourceArn"));
        Map<String, String> tags = RepositoryInput.tags(call.input());
        accessControl.require(call.caller(), "ecr:TagResource", repository, call.origin(),
                AccessControl.requestTags(tags));
        repositories.tag(repository, tags, RepositoryInput.MAX_TAGS, call.caller().getName());
        accessControl.forget(repository);
        return JSON.createObjectBuilder();
    }

    JsonObjectBuilder untagResource(Call call) {
        RepositoryName repository = repositoryOf(call.required("resourceArn"));
        List<String> names = call.input().getJsonArray("tagKeys").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
        accessControl.require(call.caller(), "ecr:UntagResource", repository, call.origin(),
                Map.of("aws:TagKeys", names));
        repositories.untag(repository, names, call.caller().getName());
        accessControl.forget(repository);
        return JSON.createObjectBuilder();
    }

    JsonObjectBuilder listTagsForResource(Call call) {
        RepositoryName repository = repositoryOf(call.required("resourceArn"));
        accessControl.require(call.caller(), "ecr:ListTagsForResource", repository, call.origin());
        JsonArrayBuilder tags = JSON.createArrayBuilder();
        Repository found = repositories.require(repository);
        repositories.resourceTags(found).forEach((key, value) -> tags.add(JSON.createObjectBuilder()
                .add("Key", key).add("Value", value)));
        return JSON.createObjectBuilder().add("tags", tags);
    }

    JsonObjectBuilder describeRegistry(Call call) {
        accessControl.requireAccountAction(call.caller(), "ecr:DescribeRegistry", call.origin());
        return JSON.createObjectBuilder().add("registryId", call.caller().accountId())
                .add("replicationConfiguration", JSON.createObjectBuilder().add("rules", JSON.createArrayBuilder()));
    }

    JsonObjectBuilder putRegistryPolicy(Call call) {
        accessControl.requireAccountAction(call.caller(), "ecr:PutRegistryPolicy", call.origin());
        String policy = call.required("policyText");
        try {
            Policy.validate(policy, PolicyKind.RESOURCE);
        } catch (PolicyException e) {
            throw RepositoryInput.invalid("policyText", "Invalid registry policy provided: " + e.getMessage());
        }
        repositories.setRegistryPolicy(call.caller().accountId(), policy, call.caller().getName());
        return JSON.createObjectBuilder().add("registryId", call.caller().accountId()).add("policyText", policy);
    }

    JsonObjectBuilder getRegistryPolicy(Call call) {
        accessControl.requireAccountAction(call.caller(), "ecr:GetRegistryPolicy", call.origin());
        return JSON.createObjectBuilder().add("registryId", call.caller().accountId())
                .add("policyText", requireRegistryPolicy(call));
    }

    JsonObjectBuilder deleteRegistryPolicy(Call call) {
        accessControl.requireAccountAction(call.caller(), "ecr:DeleteRegistryPolicy", call.origin());
        String policy = repositories.setRegistryPolicy(call.caller().accountId(), null, call.caller().getName())
                .orElseThrow();
        return JSON.createObjectBuilder().add("registryId", call.caller().accountId()).add("policyText", policy);
    }

    private String requireRegistryPolicy(Call call) {
        return repositories.registryPolicy(call.caller().accountId())
                .orElseThrow(() -> Repositories.noRegistryPolicy(call.caller().accountId()));
    }

    /** The repository an ARN of this registry names; InvalidParameterException otherwise. */
    private RepositoryName repositoryOf(String arn) {
        Matcher m = REPOSITORY_ARN.matcher(arn);
        if (!m.matches() || !m.group(1).equals(settings.region()) || !Names.isRepositoryName(m.group(3))) {
            throw RepositoryInput.invalid("resourceArn", "Invalid ARN: expected arn:aws:ecr:" + settings.region()
                    + ":<account>:repository/<name>");
        }
        return new RepositoryName(m.group(2), m.group(3));
    }
}
