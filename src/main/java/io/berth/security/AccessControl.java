package io.berth.security;

import io.berth.registry.Names;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.security.policy.AccessRequest;
import io.berth.security.policy.Policy;
import io.berth.security.policy.PolicyEvaluation;
import io.berth.security.policy.PolicyKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Every authorization decision: may this caller perform this ECR action on this repository (or on the account,
 * for account-level actions)? IAM's logic (see {@link PolicyEvaluation}): the caller's identity policies and the
 * repository's policy, an explicit deny wins, across accounts both sides must allow, administrators may do
 * everything in their own account.
 */
@ApplicationScoped
public class AccessControl {

    /** A repository's policy and tags are re-read at most this often per instance; local changes apply at once. */
    private static final long RESOURCE_CACHE_MILLIS = 2_000;

    @Inject
    Repositories repositories;

    @Inject
    SecuritySettings settings;

    private final ConcurrentMap<String, ResourceFacts> resources = new ConcurrentHashMap<>();

    private record ResourceFacts(Policy policy, Map<String, String> tags, long readAt) {
    }

    /** Refuses with {@link AccessDeniedException} unless the caller may do {@code action} on the repository. */
    public void require(Caller caller, String action, String qualifiedRepository, String sourceIp) {
        Decision decision = decide(caller, action, qualifiedRepository, sourceIp);
        if (!decision.allowed()) {
            throw new AccessDeniedException(action, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: " + decision.resourceArn() + " because " + decision.reason());
        }
    }

    public boolean allowed(Caller caller, String action, String qualifiedRepository, String sourceIp) {
        return decide(caller, action, qualifiedRepository, sourceIp).allowed();
    }

    /** For actions on no particular repository, such as {@code ecr:GetAuthorizationToken}: identity policies only. */
    public void requireAccountAction(Caller caller, String action, String sourceIp) {
        AccessRequest request = new AccessRequest(caller.arn(), caller.accountId(), action, "*",
                context(caller, sourceIp, Map.of(), caller.accountId()));
        PolicyEvaluation.Result result = PolicyEvaluation.decide(request, caller.accountId(), caller.administrator(),
                caller.identityPolicies(), null);
        if (!result.allowed()) {
            throw new AccessDeniedException(action, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: * because " + result.reason());
        }
    }

    /** The ARN of a repository in ECR's form, with this registry's region. */
    public String repositoryArn(String qualifiedRepository) {
        Names.Qualified name = Names.split(qualifiedRepository);
        return Arns.repository(settings.region(), name.accountId(), name.name());
    }

    /** Forgets what is known of a repository's policy and tags, after a change to them. */
    public void forget(String qualifiedRepository) {
        resources.remove(qualifiedRepository);
    }

    private record Decision(boolean allowed, String reason, String resourceArn) {
    }

    private Decision decide(Caller caller, String action, String qualifiedRepository, String sourceIp) {
        Names.Qualified name = Names.split(qualifiedRepository);
        String resourceArn = Arns.repository(settings.region(), name.accountId(), name.name());
        if (caller.administrator() && caller.accountId().equals(name.accountId())) {
            // Decided without reading the repository's policy: catalog pages ask this for every name.
            return new Decision(true, "administrator of account " + name.accountId(), resourceArn);
        }
        ResourceFacts facts = facts(qualifiedRepository);
        AccessRequest request = new AccessRequest(caller.arn(), caller.accountId(), action, resourceArn,
                context(caller, sourceIp, facts.tags(), name.accountId()));
        PolicyEvaluation.Result result = PolicyEvaluation.decide(request, name.accountId(),
                caller.administrator(), caller.identityPolicies(), facts.policy());
        return new Decision(result.allowed(), result.reason(), resourceArn);
    }

    private ResourceFacts facts(String qualifiedRepository) {
        long now = System.currentTimeMillis();
        ResourceFacts facts = resources.get(qualifiedRepository);
        if (facts == null || facts.readAt() + RESOURCE_CACHE_MILLIS < now) {
            Optional<Repository> repository = repositories.find(qualifiedRepository);
            // A stored policy was validated when it was set; it parses.
            Policy policy = repository.map(Repository::policy)
                    .map(json -> Policy.parse(json, PolicyKind.RESOURCE)).orElse(null);
            facts = new ResourceFacts(policy, repository.map(repositories::resourceTags).orElse(Map.of()), now);
            if (resources.size() > 100_000) {
                resources.clear();
            }
            resources.put(qualifiedRepository, facts);
        }
        return facts;
    }

    private static Map<String, List<String>> context(Caller caller, String sourceIp, Map<String, String> tags,
                                                     String resourceAccount) {
        Map<String, List<String>> context = new HashMap<>();
        context.put("aws:SourceIp", List.of(sourceIp));
        context.put("aws:PrincipalAccount", List.of(caller.accountId()));
        context.put("aws:PrincipalArn", List.of(caller.arn()));
        context.put("aws:username", List.of(caller.userName()));
        context.put("aws:ResourceAccount", List.of(resourceAccount));
        context.put("aws:PrincipalType", List.of("User"));
        tags.forEach((key, value) -> {
            context.put("ecr:ResourceTag/" + key, List.of(value));
            context.put("aws:ResourceTag/" + key, List.of(value));
        });
        return context;
    }
}
