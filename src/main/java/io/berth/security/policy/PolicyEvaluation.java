package io.berth.security.policy;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * IAM's decision for a request, combining the caller's identity policies with the resource's policy.
 *
 * <p>An explicit deny anywhere wins, over administrators too (IAM's rule); only the policies themselves stay
 * theirs to read, change and delete ({@link #POLICY_MANAGEMENT}), so that no policy locks its account out.
 * Administrators of the resource's own account may do everything else in it. Within one account either the identity policies or the resource policy may allow; across accounts both
 * sides must: the caller's account grants through its identity policies, the resource's account through its
 * resource policy. Anything not allowed is denied.
 */
public final class PolicyEvaluation {

    /** Whether the request is allowed, and a short reason fit to show the caller. */
    public record Result(boolean allowed, String reason) {
    }

    /** What an administrator may always do, whatever a policy denies: see and repair the policies. */
    static final Set<String> POLICY_MANAGEMENT = Set.of("ecr:GetRepositoryPolicy",
            "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:GetRegistryPolicy", "ecr:PutRegistryPolicy",
            "ecr:DeleteRegistryPolicy");

    private PolicyEvaluation() {
    }

    /**
     * @param resourceAccount  the account owning the resource
     * @param administrator    whether the caller administers its own account (allowed everything on its side)
     * @param identityPolicies the caller's identity policies (attached to it and its groups)
     * @param resourcePolicy   the repository's or registry's policy, or null when it has none
     */
    public static Result decide(AccessRequest request, String resourceAccount, boolean administrator,
            List<Policy> identityPolicies, Policy resourcePolicy) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(resourceAccount, "resourceAccount");
        Objects.requireNonNull(identityPolicies, "identityPolicies");
        for (Policy policy : identityPolicies) {
            if (policy.kind() != PolicyKind.IDENTITY) {
                throw new IllegalArgumentException("identityPolicies holds a resource policy");
            }
        }
        if (resourcePolicy != null && resourcePolicy.kind() != PolicyKind.RESOURCE) {
            throw new IllegalArgumentException("resourcePolicy is an identity policy");
        }
        boolean sameAccount = request.principalAccount().equals(resourceAccount);
        if (administrator && sameAccount && POLICY_MANAGEMENT.contains(request.action())) {
            return new Result(true, "administrator of account " + resourceAccount);
        }

        boolean identityAllows = administrator;
        for (Policy policy : identityPolicies) {
            Decision decision = policy.evaluate(request);
            if (decision == Decision.DENY) {
                return new Result(false, "explicitly denied by a policy");
            }
            identityAllows |= decision == Decision.ALLOW;
        }
        Decision resourceDecision = resourcePolicy == null ? Decision.NOT_APPLICABLE
                : resourcePolicy.evaluate(request);
        if (resourceDecision == Decision.DENY) {
            return new Result(false, "explicitly denied by a policy");
        }
        if (administrator && sameAccount) {
            return new Result(true, "administrator of account " + resourceAccount);
        }
        boolean resourceAllows = resourceDecision == Decision.ALLOW;

        if (sameAccount) {
            if (identityAllows) {
                return new Result(true, "allowed by an identity policy");
            }
            return resourceAllows ? new Result(true, "allowed by the repository policy")
                    : new Result(false, "no policy allows it");
        }
        if (!identityAllows) {
            return new Result(false, "no policy of account " + request.principalAccount() + " allows it");
        }
        if (!resourceAllows) {
            return new Result(false, "no repository policy of account " + resourceAccount + " allows it");
        }
        return new Result(true, "allowed by account " + request.principalAccount() + " and the repository policy of "
                + "account " + resourceAccount);
    }
}
