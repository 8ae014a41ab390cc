package io.berth.security.policy;

import static io.berth.security.policy.Fixtures.A;
import static io.berth.security.policy.Fixtures.B;
import static io.berth.security.policy.Fixtures.REPO;
import static io.berth.security.policy.Fixtures.alice;
import static io.berth.security.policy.Fixtures.bob;
import static io.berth.security.policy.Fixtures.identityStatement;
import static io.berth.security.policy.Fixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** IAM's combination of identity and resource policies, within one account and across accounts. */
class PolicyEvaluationTest {

    static final Policy ALLOW_PUSH = identityStatement("\"Effect\":\"Allow\",\"Action\":[\"ecr:PutImage\","
            + "\"ecr:InitiateLayerUpload\"],\"Resource\":\"*\"");
    static final Policy DENY_PUSH = identityStatement("\"Effect\":\"Deny\",\"Action\":\"ecr:PutImage\","
            + "\"Resource\":\"*\"");
    static final Policy REPOSITORY_ALLOWS_B = resource("{\"Statement\":{\"Sid\":\"AllowB\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + B + ":root\"},\"Action\":[\"ecr:PutImage\","
            + "\"ecr:BatchGetImage\"]}}");
    static final Policy REPOSITORY_ALLOWS_ALICE = resource("{\"Statement\":{\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"" + Fixtures.ALICE + "\"},\"Action\":\"ecr:PutImage\"}}");
    static final Policy REPOSITORY_DENIES_PUSH = resource("{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\","
            + "\"Action\":\"ecr:PutImage\"}}");

    static PolicyEvaluation.Result decide(AccessRequest request, boolean administrator, List<Policy> identity,
            Policy repository) {
        return PolicyEvaluation.decide(request, A, administrator, identity, repository);
    }

    @Test
    void sameAccountAnIdentityPolicyAloneSuffices() {
        PolicyEvaluation.Result result = decide(alice("ecr:PutImage", REPO), false, List.of(ALLOW_PUSH), null);
        assertEquals(new PolicyEvaluation.Result(true, "allowed by an identity policy"), result);
    }

    @Test
    void sameAccountTheRepositoryPolicyAloneSuffices() {
        PolicyEvaluation.Result result = decide(alice("ecr:PutImage", REPO), false, List.of(),
                REPOSITORY_ALLOWS_ALICE);
        assertEquals(new PolicyEvaluation.Result(true, "allowed by the repository policy"), result);
    }

    @Test
    void sameAccountWithoutAnyAllowIsAnImplicitDeny() {
        assertEquals(new PolicyEvaluation.Result(false, "no policy allows it"),
                decide(alice("ecr:DeleteRepository", REPO), false, List.of(ALLOW_PUSH), REPOSITORY_ALLOWS_ALICE));
        assertEquals(new PolicyEvaluation.Result(false, "no policy allows it"),
                decide(alice("ecr:PutImage", REPO), false, List.of(), null));
    }

    @Test
    void anExplicitDenyInAnIdentityPolicyWinsOverEveryAllow() {
        assertEquals(new PolicyEvaluation.Result(false, "explicitly denied by a policy"),
                decide(alice("ecr:PutImage", REPO), false, List.of(ALLOW_PUSH, DENY_PUSH), REPOSITORY_ALLOWS_ALICE));
    }

    @Test
    void anExplicitDenyInTheRepositoryPolicyWinsOverAnIdentityAllow() {
        assertEquals(new PolicyEvaluation.Result(false, "explicitly denied by a policy"),
                decide(alice("ecr:PutImage", REPO), false, List.of(ALLOW_PUSH), REPOSITORY_DENIES_PUSH));
    }

    @Test
    void anAdministratorOfTheResourcesAccountMayDoEverythingInItThatNoPolicyDenies() {
        assertEquals(new PolicyEvaluation.Result(true, "administrator of account " + A),
                decide(alice("ecr:PutImage", REPO), true, List.of(), null));
        // IAM's rule: an explicit deny binds administrators too ...
        assertEquals(new PolicyEvaluation.Result(false, "explicitly denied by a policy"),
                decide(alice("ecr:PutImage", REPO), true, List.of(), REPOSITORY_DENIES_PUSH));
        assertEquals(new PolicyEvaluation.Result(false, "explicitly denied by a policy"),
                decide(alice("ecr:PutImage", REPO), true, List.of(DENY_PUSH), null));
        // ... but they can always repair the policy that denies.
        Policy denyAll = resource("{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:*\"}}");
        assertEquals(new PolicyEvaluation.Result(true, "administrator of account " + A),
                decide(alice("ecr:DeleteRepositoryPolicy", REPO), true, List.of(), denyAll));
    }

    @Test
    void crossAccountNeedsBothTheIdentityAndTheRepositoryPolicy() {
        assertEquals(new PolicyEvaluation.Result(true, "allowed by account " + B
                + " and the repository policy of account " + A),
                decide(bob("ecr:PutImage", REPO), false, List.of(ALLOW_PUSH), REPOSITORY_ALLOWS_B));
    }

    @Test
    void crossAccountWithoutTheRepositoryPolicyIsDenied() {
        PolicyEvaluation.Result expected = new PolicyEvaluation.Result(false,
                "no repository policy of account " + A + " allows it");
        assertEquals(expected, decide(bob("ecr:PutImage", REPO), false, List.of(ALLOW_PUSH), null));
        assertEquals(expected, decide(bob("ecr:PutImage", REPO), false, List.of(ALLOW_PUSH), REPOSITORY_ALLOWS_ALICE),
                "the repository policy names someone else");
    }

    @Test
    void crossAccountWithoutAnIdentityAllowIsDenied() {
        assertEquals(new PolicyEvaluation.Result(false, "no policy of account " + B + " allows it"),
                decide(bob("ecr:PutImage", REPO), false, List.of(), REPOSITORY_ALLOWS_B));
        assertEquals(new PolicyEvaluation.Result(false, "no policy of account " + B + " allows it"),
                decide(bob("ecr:BatchGetImage", REPO), false, List.of(ALLOW_PUSH), REPOSITORY_ALLOWS_B),
                "B's identity policy allows push but not pull");
    }

    @Test
    void anAdministratorOfAnotherAccountStillNeedsTheRepositoryPolicy() {
        assertEquals(new PolicyEvaluation.Result(false, "no repository policy of account " + A + " allows it"),
                decide(bob("ecr:PutImage", REPO), true, List.of(), null));
        assertEquals(true, decide(bob("ecr:BatchGetImage", REPO), true, List.of(), REPOSITORY_ALLOWS_B).allowed());
    }

    @Test
    void anAdministratorOfAnotherAccountIsStillSubjectToExplicitDenies() {
        assertEquals(new PolicyEvaluation.Result(false, "explicitly denied by a policy"),
                decide(bob("ecr:PutImage", REPO), true, List.of(), REPOSITORY_DENIES_PUSH));
        assertEquals(new PolicyEvaluation.Result(false, "explicitly denied by a policy"),
                decide(bob("ecr:PutImage", REPO), true, List.of(DENY_PUSH), REPOSITORY_ALLOWS_B));
    }

    @Test
    void policiesMustBeOfTheRightKind() {
        assertThrows(IllegalArgumentException.class,
                () -> decide(alice("ecr:PutImage", REPO), false, List.of(REPOSITORY_ALLOWS_ALICE), null));
        assertThrows(IllegalArgumentException.class,
                () -> decide(alice("ecr:PutImage", REPO), false, List.of(), ALLOW_PUSH));
    }
}
