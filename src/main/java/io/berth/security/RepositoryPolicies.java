package io.berth.security;

import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
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

    public Optional<String> get(RepositoryName repository) {
        return Optional.ofNullable(repositories.require(repository).policy());
    }

    /** The policy; REPOSITORY_POLICY_NOT_FOUND when the repository has none. */
    public String require(RepositoryName repository) {
        Repository stored = repositories.require(repository);
        if (stored.policy() == null) {
            throw Repositories.noRepositoryPolicy(stored);
        }
        return stored.policy();
    }

    /**
     * Replaces the policy, or deletes it with null (REPOSITORY_POLICY_NOT_FOUND when there is none); returns the
     * policy it replaced.
     *
     * @throws IllegalArgumentException saying what is wrong with an invalid policy; nothing is stored then
     */
    public Optional<String> set(RepositoryName repository, String policyJson, String actor) {
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
        Optional<String> old = repositories.setPolicy(repository, policyJson, actor);
        accessControl.forget(repository);
        return old;
    }

}
