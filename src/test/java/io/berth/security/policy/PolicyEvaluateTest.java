package io.berth.security.policy;

import static io.berth.security.policy.Fixtures.A;
import static io.berth.security.policy.Fixtures.ALICE;
import static io.berth.security.policy.Fixtures.B;
import static io.berth.security.policy.Fixtures.REPO;
import static io.berth.security.policy.Fixtures.alice;
import static io.berth.security.policy.Fixtures.bob;
import static io.berth.security.policy.Fixtures.identity;
import static io.berth.security.policy.Fixtures.identityStatement;
import static io.berth.security.policy.Fixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One policy on its own: which statements match a request, and deny over allow. */
class PolicyEvaluateTest {

    @Test
    void anExplicitDenyOverridesAnAllow() {
        Policy policy = identity("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
                  {"Effect": "Deny", "Action": "ecr:DeleteRepository", "Resource": "*"}
                ]}""");
        assertEquals(Decision.DENY, policy.evaluate(alice("ecr:DeleteRepository", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:BatchGetImage", REPO)));
    }

    @Test
    void noMatchingStatementIsNotApplicable() {
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:BatchGetImage\",\"Resource\":\"*\"");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:BatchGetImage", REPO)));
    }

    @Test
    void notActionAllowsEverythingExceptTheListedActions() {
        // IAM's "allow all except": NotAction with Allow.
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"NotAction\":[\"ecr:DeleteRepository\","
                + "\"ecr:SetRepositoryPolicy\"],\"Resource\":\"*\"");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:GetAuthorizationToken", "*")));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:DeleteRepository", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:SetRepositoryPolicy", REPO)));
    }

    @Test
    void actionsMatchCaseInsensitivelyAndWithWildcards() {
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":[\"ECR:batchget*\","
                + "\"ecr:Get?ownloadUrlForLayer\"],\"Resource\":\"*\"");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:BatchGetImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:BatchGetRepositoryScanningConfiguration", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:GetDownloadUrlForLayer", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ECR:BATCHGETIMAGE", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:BatchDeleteImage", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:GetAuthorizationToken", "*")));
    }

    @Test
    void resourceWildcardsMatchRegionsAndRepositoryPrefixes() {
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                + "\"Resource\":\"arn:aws:ecr:*:" + A + ":repository/team/*\"");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:eu-west-1:" + A + ":repository/team/app/nested")));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/other/app")));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + B + ":repository/team/app")), "another account's repository");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/Team/app")), "resources match case-sensitively");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:GetAuthorizationToken", "*")),
                "an account-level action needs Resource \"*\"");
    }

    @Test
    void aWildcardDoesNotReachAcrossArnSegments() {
        // As a plain string pattern, the region's '*' would swallow "us-east-1:444455556666" and match.
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                + "\"Resource\":\"arn:aws:ecr:*:" + A + ":repository/app\"");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + B + ":" + A + ":repository/app")));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/app")));
    }

    @Test
    void theQuestionMarkMatchesExactlyOneCharacter() {
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                + "\"Resource\":\"arn:aws:ecr:us-east-1:" + A + ":repository/app-?\"");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/app-1")));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/app-10")));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/app-")));
    }

    @Test
    void resourceStarMatchesRepositoriesAndAccountLevelActions() {
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\","
                + "\"Resource\":\"*\"");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:GetAuthorizationToken", "*")));
    }

    @Test
    void notResourceMatchesEverythingElse() {
        Policy policy = identityStatement("\"Effect\":\"Deny\",\"Action\":\"ecr:*\","
                + "\"NotResource\":\"arn:aws:ecr:*:" + A + ":repository/sandbox/*\"");
        assertEquals(Decision.DENY, policy.evaluate(alice("ecr:PutImage", REPO)));
        assertEquals(Decision.DENY, policy.evaluate(alice("ecr:GetAuthorizationToken", "*")));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage",
                "arn:aws:ecr:us-east-1:" + A + ":repository/sandbox/x")));
    }

    @Test
    void aResourcePolicyWithoutResourceCoversItsOwnResource() {
        Policy policy = resource("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"ecr:BatchGetImage\"}}");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:BatchGetImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(bob("ecr:BatchGetImage", REPO)));
    }

    @Test
    void ecrDocumentedExampleAllowPullForOneUser() {
        Policy policy = resource("""
                {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Sid": "AllowPull",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::444455556666:user/bob"},
                    "Action": ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer"]
                  }]
                }""");
        assertEquals(Decision.ALLOW, policy.evaluate(bob("ecr:BatchGetImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(bob("ecr:GetDownloadUrlForLayer", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(bob("ecr:PutImage", REPO)), "pull only");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(new AccessRequest(
                "arn:aws:iam::" + B + ":user/carol", B, "ecr:BatchGetImage", REPO)), "another user of B");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(new AccessRequest(
                "arn:aws:iam::" + B + ":user/team/bob", B, "ecr:BatchGetImage", REPO)), "a user path is part of it");
    }

    @Test
    void ecrDocumentedExampleAllowPushForAnAccountRoot() {
        Policy policy = resource("""
                {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Sid": "AllowPushPull",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                    "Action": ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload",
                               "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage",
                               "ecr:UploadLayerPart"]
                  }]
                }""");
        // The root ARN stands for the whole account: every principal of B, the root user included.
        assertEquals(Decision.ALLOW, policy.evaluate(bob("ecr:PutImage", REPO)));
        assertEquals(Decision.ALLOW, policy.evaluate(new AccessRequest(
                "arn:aws:iam::" + B + ":root", B, "ecr:UploadLayerPart", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage", REPO)), "not account B");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(bob("ecr:DeleteRepository", REPO)));
    }

    @Test
    void ecrDocumentedExampleDenyAllButOneIpAddress() {
        Policy policy = resource("""
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {"Sid": "AllowAccountB", "Effect": "Allow", "Principal": {"AWS": "444455556666"},
                     "Action": "ecr:*"},
                    {"Sid": "DenyOtherAddresses", "Effect": "Deny", "Principal": "*", "Action": "ecr:*",
                     "Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.10"}}}
                  ]
                }""");
        AccessRequest fromAllowed = new AccessRequest(Fixtures.BOB, B, "ecr:PutImage", REPO,
                Map.of("aws:SourceIp", List.of("192.0.2.10")));
        AccessRequest fromElsewhere = new AccessRequest(Fixtures.BOB, B, "ecr:PutImage", REPO,
                Map.of("aws:SourceIp", List.of("192.0.2.11")));
        assertEquals(Decision.ALLOW, policy.evaluate(fromAllowed));
        assertEquals(Decision.DENY, policy.evaluate(fromElsewhere));
        assertEquals(Decision.DENY, policy.evaluate(bob("ecr:PutImage", REPO)), "no source address: not the one");
    }

    @Test
    void principalStarMatchesEveryAuthenticatedPrincipal() {
        Policy policy = resource("{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},"
                + "\"Action\":\"ecr:DeleteRepository\"}}");
        assertEquals(Decision.DENY, policy.evaluate(alice("ecr:DeleteRepository", REPO)));
        assertEquals(Decision.DENY, policy.evaluate(bob("ecr:DeleteRepository", REPO)));
    }

    @Test
    void notPrincipalMatchesEveryoneNotListed() {
        Policy policy = resource("{\"Statement\":{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" + ALICE
                + "\",\"" + B + "\"]},\"Action\":\"ecr:*\"}}");
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:PutImage", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(bob("ecr:PutImage", REPO)), "all of account B");
        assertEquals(Decision.DENY, policy.evaluate(new AccessRequest("arn:aws:iam::" + A + ":user/mallory", A,
                "ecr:PutImage", REPO)));
    }

    @Test
    void identityPoliciesDoNotLookAtThePrincipal() {
        Policy policy = identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:PutImage\",\"Resource\":\"*\"");
        assertEquals(Decision.ALLOW, policy.evaluate(bob("ecr:PutImage", REPO)));
    }
}
