package io.berth.ecr;

import static io.berth.platform.Jsonp.JSON;

import io.berth.ecr.EcrApi.Call;
import io.berth.lifecycle.LifecyclePolicy;
import io.berth.lifecycle.LifecyclePolicyException;
import io.berth.lifecycle.LifecyclePreviews;
import io.berth.registry.ImageListing;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
import io.berth.security.AccessControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * ECR's PutLifecyclePolicy, GetLifecyclePolicy and DeleteLifecyclePolicy (a policy is validated before it is
 * stored), and StartLifecyclePolicyPreview and GetLifecyclePolicyPreview.
 */
@ApplicationScoped
public class LifecyclePolicyOperations {

    /** ECR's limit on a lifecycle policy's text. */
    static final int MAX_POLICY_LENGTH = 30720;

    @Inject
    Repositories repositories;

    @Inject
    AccessControl accessControl;

    @Inject
    LifecyclePreviews previews;

    @Inject
    PageTokens pageTokens;

    JsonObjectBuilder putLifecyclePolicy(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:PutLifecyclePolicy", repository, call.origin());
        String text = validPolicy(call.required("lifecyclePolicyText"));
        repositories.setLifecyclePolicy(repository, text, call.caller().getName());
        return EcrApi.repositoryIdentity(repository).add("lifecyclePolicyText", text);
    }

    /** A policy text of 100 to 30,720 characters (the model checked that) that is a valid policy. */
    private static String validPolicy(String text) {
        try {
            LifecyclePolicy.parse(text);
        } catch (LifecyclePolicyException e) {
            throw new EcrException("InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed"
                    + " to satisfy constraint: 'Lifecycle policy validation failure: " + e.getMessage() + "'");
        }
        return text;
    }

    JsonObjectBuilder getLifecyclePolicy(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:GetLifecyclePolicy", repository, call.origin());
        Repository stored = requirePolicy(repository);
        JsonObjectBuilder output = EcrApi.repositoryIdentity(repository)
                .add("lifecyclePolicyText", stored.lifecyclePolicy());
        if (stored.lifecycleEvaluatedAt() != null) {
            output.add("lastEvaluatedAt", EcrApi.epochSeconds(stored.lifecycleEvaluatedAt()));
        }
        return output;
    }

    /** Previews the policy given, or the stored one, in the background (IN_PROGRESS until it is done). */
    JsonObjectBuilder startLifecyclePolicyPreview(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:StartLifecyclePolicyPreview", repository, call.origin());
        String given = call.string("lifecyclePolicyText");
        String text = given != null ? validPolicy(given) : requirePolicy(repository).lifecyclePolicy();
        LifecyclePreviews.Preview preview;
        try {
            preview = previews.start(repository, text);
        } catch (LifecyclePreviews.InProgress e) {
            throw new EcrException("LifecyclePolicyPreviewInProgressException", "The previous lifecycle policy"
                    + " preview request has not completed. Wait and try again.");
        }
        return EcrApi.repositoryIdentity(repository).add("lifecyclePolicyText", text)
                .add("status", preview.status());
    }

    JsonObjectBuilder getLifecyclePolicyPreview(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:GetLifecyclePolicyPreview", repository, call.origin());
        ImageListing.TagStatus status = ImageOperations.tagStatus(call.input());
        List<ImageOperations.ImageId> ids = call.input().containsKey("imageIds")
                ? ImageOperations.imageIds(call.input()) : null;
        if (ids != null && (call.input().containsKey("nextToken") || call.input().containsKey("maxResults"))) {
            throw new EcrException("InvalidParameterException",
                    "nextToken and maxResults cannot be used with imageIds");
        }
        int limit = RepositoryInput.maxResults(call.input(), 100);
        LifecyclePreviews.Preview preview = previews.find(repository).orElseThrow(() -> new EcrException(
                "LifecyclePolicyPreviewNotFoundException", "There is no dry run for the repository with name '"
                + repository.name() + "' in the registry with id '" + repository.accountId() + "'"));
        List<LifecyclePreviews.Result> results = previews.results(repository).stream()
                .filter(r -> status == ImageListing.TagStatus.ANY
                        || (status == ImageListing.TagStatus.TAGGED) != r.tags().isEmpty())
                .filter(r -> ids == null || ids.stream().anyMatch(id -> names(id, r)))
                .toList();
        String scope = repository + "/" + status;
        int offset = ids != null ? 0 : pageTokens.readOffset(call.string("nextToken"), "GetLifecyclePolicyPreview",
                scope);
        int end = ids != null ? results.size() : Math.min(results.size(), offset + limit);
        JsonArrayBuilder list = JSON.createArrayBuilder();
        for (LifecyclePreviews.Result result : results.subList(Math.min(offset, end), end)) {
            JsonArrayBuilder tags = JSON.createArrayBuilder();
            result.tags().forEach(tags::add);
            list.add(JSON.createObjectBuilder()
                    .add("imageTags", tags)
                    .add("imageDigest", result.digest())
                    .add("imagePushedAt", EcrApi.epochSeconds(result.pushedAt().toEpochMilli()))
                    .add("action", JSON.createObjectBuilder().add("type", "EXPIRE"))
                    .add("appliedRulePriority", result.rulePriority()));
        }
        JsonObjectBuilder output = EcrApi.repositoryIdentity(repository)
                .add("lifecyclePolicyText", preview.policyText())
                .add("status", preview.status())
                .add("previewResults", list)
                .add("summary", JSON.createObjectBuilder().add("expiringImageTotalCount", preview.expiring()));
        if (end < results.size()) {
            output.add("nextToken", pageTokens.write("GetLifecyclePolicyPreview", scope, end));
        }
        return output;
    }

    private static boolean names(ImageOperations.ImageId id, LifecyclePreviews.Result result) {
        return (id.digest() == null || id.digest().equals(result.digest()))
                && (id.tag() == null || result.tags().contains(id.tag()));
    }

    JsonObjectBuilder deleteLifecyclePolicy(Call call) {
        RepositoryName repository = call.repository();
        accessControl.require(call.caller(), "ecr:DeleteLifecyclePolicy", repository, call.origin());
        String text = repositories.setLifecyclePolicy(repository, null, call.caller().getName()).orElseThrow();
        return EcrApi.repositoryIdentity(repository).add("lifecyclePolicyText", text);
    }

    private Repository requirePolicy(RepositoryName repository) {
        Repository stored = repositories.require(repository);
        if (stored.lifecyclePolicy() == null) {
            throw Repositories.noLifecyclePolicy(stored);
        }
        return stored;
    }
}
