package io.berth.ecr;

import io.berth.ecr.EcrApi.Call;
import io.berth.lifecycle.LifecyclePolicy;
import io.berth.lifecycle.LifecyclePolicyException;
import io.berth.registry.Names;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.security.AccessControl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/**
 * ECR's PutLifecyclePolicy, GetLifecyclePolicy and DeleteLifecyclePolicy: a policy is validated before it is stored.
 * Nothing evaluates stored policies on a timer yet, so no {@code lastEvaluatedAt} is reported.
 */
@ApplicationScoped
public class LifecyclePolicyOperations {

    /** ECR's limit on a lifecycle policy's text. */
    static final int MAX_POLICY_LENGTH = 30720;

    @Inject
    Repositories repositories;

    @Inject
    AccessControl accessControl;

    JsonObjectBuilder putLifecyclePolicy(Call call) {
        String repository = call.repository();
        accessControl.require(call.caller(), "ecr:PutLifecyclePolicy", repository, call.sourceIp());
        String text = call.required("lifecyclePolicyText");
        if (text.length() < 100 || text.length() > MAX_POLICY_LENGTH) {
            throw RepositoryInput.invalid("lifecyclePolicyText", "Member must have length between 100 and "
                    + MAX_POLICY_LENGTH);
        }
        try {
            LifecyclePolicy.parse(text);
        } catch (LifecyclePolicyException e) {
            throw new EcrException("InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed"
                    + " to satisfy constraint: 'Lifecycle policy validation failure: " + e.getMessage() + "'");
        }
        repositories.setLifecyclePolicy(repository, text);
        return EcrApi.repositoryIdentity(repository).add("lifecyclePolicyText", text);
    }

    JsonObjectBuilder getLifecyclePolicy(Call call) {
        String repository = call.repository();
        accessControl.require(call.caller(), "ecr:GetLifecyclePolicy", repository, call.sourceIp());
        return EcrApi.repositoryIdentity(repository).add("lifecyclePolicyText", requirePolicy(repository).lifecyclePolicy());
    }

    JsonObjectBuilder deleteLifecyclePolicy(Call call) {
        String repository = call.repository();
        accessControl.require(call.caller(), "ecr:DeleteLifecyclePolicy", repository, call.sourceIp());
        String text = requirePolicy(repository).lifecyclePolicy();
        repositories.setLifecyclePolicy(repository, null);
        return EcrApi.repositoryIdentity(repository).add("lifecyclePolicyText", text);
    }

    private Repository requirePolicy(String repository) {
        Repository stored = repositories.require(repository);
        if (stored.lifecyclePolicy() == null) {
            throw new EcrException("LifecyclePolicyNotFoundException", "Lifecycle policy does not exist for the"
                    + " repository with name '" + stored.name() + "' in the registry with id '" + stored.accountId()
                    + "'");
        }
        return stored;
    }
}
