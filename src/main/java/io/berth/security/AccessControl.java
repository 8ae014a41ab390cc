package io.berth.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
import io.berth.security.policy.AccessRequest;
import io.berth.security.policy.Policy;
import io.berth.security.policy.PolicyEvaluation;
import io.berth.security.policy.PolicyKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every authorization decision: may this caller perform this ECR action on this repository (or on the account,
 * for account-level actions)? IAM's logic (see {@link PolicyEvaluation}): the caller's identity policies and the
 * repository's policy, an explicit deny wins (over administrators too), across accounts both sides must allow,
 * administrators may do everything else in their own account.
 */
@ApplicationScoped
public class AccessControl {

    /**
     * A repository's policy and tags are re-read at most this often per instance, so that a change made on another
     * instance applies within it; changes made here apply at once.
     */
    private static final long RESOURCE_CACHE_MILLIS = 1_000;

    @Inject
    Repositories repositories;

    @Inject
    SecuritySettings settings;

    private final Cache<RepositoryName, ResourceFacts> resources = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMillis(RESOURCE_CACHE_MILLIS)).build();

    private record ResourceFacts(Policy policy, Map<String, String> tags) {
    }

    /** Refuses with {@link AccessDeniedException} unless the caller may do {@code action} on the repository. */
    public void require(Caller caller, String action, RepositoryName repository, ClientOrigin origin) {
        require(caller, action, repository, origin, Map.of());
    }

    /**
     * As {@link #require(Caller, String, RepositoryName, ClientOrigin)}, for a request that carries condition keys
     * of its own, such as the {@code aws:RequestTag/…} and {@code aws:TagKeys} of the tags it sets.
     */
    public void require(Caller caller, String action, RepositoryName repository, ClientOrigin origin,
                        Map<String, List<String>> requestKeys) {
        Decision decision = decide(caller, action, repository, origin, requestKeys);
        if (!decision.allowed()) {
            throw new AccessDeniedException(action, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: " + decision.resourceArn() + " because " + decision.reason());
        }
    }

    public boolean allowed(Caller caller, String action, RepositoryName repository, ClientOrigin origin) {
        return decide(caller, action, repository, origin, Map.of()).allowed();
    }

    /** The condition keys of a request that sets resource tags: {@code aws:RequestTag/<key>} and {@code aws:TagKeys}. */
    public static Map<String, List<String>> requestTags(Map<String, String> tags) {
        Map<String, List<String>> keys = new HashMap<>();
        tags.forEach((key, value) -> keys.put("aws:RequestTag/" + key, List.of(value)));
        keys.put("aws:TagKeys", List.copyOf(tags.keySet()));
        return keys;
    }

    /** For actions on no particular repository, such as {@code ecr:GetAuthorizationToken}: identity policies only. */
    public void requireAccountAction(Caller caller, String action, ClientOrigin origin) {
        PolicyEvaluation.Result result = decideAccountAction(caller, action, origin);
        if (!result.allowed()) {
            throw new AccessDeniedException(action, "User: " + caller.arn() + " is not authorized to perform: "
                    + action + " on resource: * because " + result.reason());
        }
    }

    /** Whether the caller may take an action on no particular repository (what the console offers it). */
    public boolean allowedAccountAction(Caller caller, String action, ClientOrigin origin) {
        return decideAccountAction(caller, action, origin).allowed();
    }

    private PolicyEvaluation.Result decideAccountAction(Caller caller, String action, ClientOrigin origin) {
        AccessRequest request = new AccessRequest(caller.arn(), caller.accountId(), action, "*",
                context(caller, origin, Map.of(), caller.accountId(), Map.of()));
        return PolicyEvaluation.decide(request, caller.accountId(), caller.administrator(), caller.identityPolicies(),
                null);
    }

    /** The ARN of a repository in ECR's form, with this registry's region. */
    public String repositoryArn(RepositoryName repository) {
        return repository.arn(settings.region());
    }

    /** Forgets what is known of a repository's policy and tags, after a change to them. */
    public void forget(RepositoryName repository) {
        resources.invalidate(repository);
    }

    private record Decision(boolean allowed, String reason, String resourceArn) {
    }

    private Decision decide(Caller caller, String action, RepositoryName repository, ClientOrigin origin,
                            Map<String, List<String>> requestKeys) {
        String resourceArn = repository.arn(settings.region());
        ResourceFacts facts = facts(repository);
        AccessRequest request = new AccessRequest(caller.arn(), caller.accountId(), action, resourceArn,
                context(caller, origin, facts.tags(), repository.accountId(), requestKeys));
        PolicyEvaluation.Result result = PolicyEvaluation.decide(request, repository.accountId(),
                caller.administrator(), caller.identityPolicies(), facts.policy());
        return new Decision(result.allowed(), result.reason(), resourceArn);
    }

    private ResourceFacts facts(RepositoryName name) {
        return resources.get(name, n -> {
            Optional<Repository> repository = repositories.find(n);
            // A stored policy was validated when it was set; it parses.
            Policy policy = repository.map(Repository::policy)
                    .map(json -> Policy.parse(json, PolicyKind.RESOURCE)).orElse(null);
            return new ResourceFacts(policy, repository.map(repositories::resourceTags).orElse(Map.of()));
        });
    }

    /** Every condition key Berth sets; {@link io.berth.security.policy.ConditionKeys} lists them for validation. */
    private static Map<String, List<String>> context(Caller caller, ClientOrigin origin, Map<String, String> tags,
                                                     String resourceAccount, Map<String, List<String>> requestKeys) {
        Map<String, List<String>> context = new HashMap<>(requestKeys);
        context.put("aws:SourceIp", List.of(origin.address()));
        context.put("aws:SecureTransport", List.of(Boolean.toString(origin.secure())));
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
