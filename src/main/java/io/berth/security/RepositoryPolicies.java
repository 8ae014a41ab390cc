package io.berth.security;

import io.berth.registry.Repositories;
import io.berth.security.policy.Policy;
import io.berth.security.policy.PolicyException;
import io.berth.security.policy.PolicyKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/** Repository (resource-based) policies: validated before anything is stored. */
@ApplicationScoped
public class RepositoryPolicies {

    @Inject
    Repositories repositories;

    @Inject
    AccessControl accessControl;

    /** ECR's limit for repository and registry policy texts. */
    public static final int MAX_POLICY_LENGTH = 10_240;

    public Optional<String> get(String qualifiedRepository) {
        return Optional.ofNullable(repositories.require(qualifiedRepository).policy());
    }

    /**
     * Replaces the policy, or removes it with null.
     *
     * @throws IllegalArgumentException saying what is wrong with an invalid policy; nothing is stored then
     */
    public void set(String qualifiedRepository, String policyJson) {
        if (policyJson != null) {
            if (policyJson.length() > MAX_POLICY_LENGTH) {
                throw new IllegalArgumentException("a repository policy has at most " + MAX_POLICY_LENGTH
                        + " characters, this one has " + policyJson.length());
            }
            try {
                Policy.validate(policyJson, PolicyKind.RESOURCE);
            } catch (PolicyException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        repositories.setPolicy(qualifiedRepository, policyJson);
        accessControl.forget(qualifiedRepository);
    }

}
