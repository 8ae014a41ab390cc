package io.berth.security.policy;

import static io.berth.security.policy.Fixtures.REPO;
import static io.berth.security.policy.Fixtures.alice;
import static io.berth.security.policy.Fixtures.allowWhen;
import static io.berth.security.policy.Fixtures.identity;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Condition operators with IAM's semantics, including multi-valued and missing keys. */
class ConditionTest {

    /** A request context from "key=v1|v2" entries; "key=" is a key with no values. */
    static Map<String, List<String>> context(String... entries) {
        Map<String, List<String>> context = new HashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            String values = entry.substring(equals + 1);
            context.put(entry.substring(0, equals), values.isEmpty() ? List.of() : List.of(values.split("\\|")));
        }
        return context;
    }

    static boolean holds(String condition, Map<String, List<String>> context) {
        Decision decision = allowWhen(condition).evaluate(alice("ecr:BatchGetImage", REPO, context));
        return decision == Decision.ALLOW;
    }

    static Arguments row(String condition, boolean expected, String... context) {
        return Arguments.of(condition, List.of(context), expected);
    }

    static Stream<Arguments> conditions() {
        String user = "{\"StringEquals\":{\"aws:username\":\"alice\"}}";
        String notUser = "{\"StringNotEquals\":{\"aws:username\":\"alice\"}}";
        String ip = "{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}";
        String notIp = "{\"NotIpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.0.2.7\"]}}";
        String ipv6 = "{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}";
        String anyTag = "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"environment\",\"cost-center\"]}}";
        String allTags = "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"environment\",\"cost-center\"]}}";
        String ci = "{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/ci-*\"}}";
        return Stream.of(
                // StringEquals: exact, case-sensitive value; key looked up case-insensitively
                row(user, true, "aws:username=alice"),
                row(user, false, "aws:username=Alice"),
                row(user, false, "aws:username=bob"),
                row(user, false),
                row(user, true, "AWS:UserName=alice"),
                row("{\"StringEquals\":{\"AWS:USERNAME\":\"alice\"}}", true, "aws:username=alice"),
                row("{\"StringEquals\":{\"aws:username\":[\"bob\",\"alice\"]}}", true, "aws:username=alice"),
                row(user, true, "aws:username=bob|alice"),
                row("{\"StringEquals\":{\"ecr:ResourceTag/cost\":100}}", true, "ecr:ResourceTag/cost=100"),
                // StringNotEquals: no request value equals any policy value; a missing key is "not equal"
                row(notUser, true, "aws:username=bob"),
                row(notUser, false, "aws:username=alice"),
                row(notUser, true),
                row(notUser, false, "aws:username=bob|alice"),
                row("{\"StringEqualsIgnoreCase\":{\"aws:username\":\"alice\"}}", true, "aws:username=ALICE"),
                row("{\"StringNotEqualsIgnoreCase\":{\"aws:username\":\"alice\"}}", false, "aws:username=ALICE"),
                row("{\"StringNotEqualsIgnoreCase\":{\"aws:username\":\"alice\"}}", true, "aws:username=bob"),
                // StringLike / StringNotLike
                row("{\"StringLike\":{\"aws:username\":[\"dev-*\",\"ops-?\"]}}", true, "aws:username=dev-alice"),
                row("{\"StringLike\":{\"aws:username\":[\"dev-*\",\"ops-?\"]}}", true, "aws:username=ops-1"),
                row("{\"StringLike\":{\"aws:username\":[\"dev-*\",\"ops-?\"]}}", false, "aws:username=ops-12"),
                row("{\"StringLike\":{\"aws:username\":[\"dev-*\",\"ops-?\"]}}", false, "aws:username=Dev-alice"),
                row("{\"StringLike\":{\"aws:username\":\"dev-*\"}}", false),
                row("{\"StringNotLike\":{\"aws:username\":\"dev-*\"}}", true, "aws:username=alice"),
                row("{\"StringNotLike\":{\"aws:username\":\"dev-*\"}}", false, "aws:username=dev-x"),
                // ArnLike / ArnEquals: segment by segment
                row(ci, true, "aws:PrincipalArn=arn:aws:iam::111122223333:user/ci-bot"),
                row(ci, false, "aws:PrincipalArn=arn:aws:iam::111122223333:role/ci-bot"),
                row(ci, false, "aws:PrincipalArn=arn:aws:iam::1111:2222:user/ci-bot"),
                row(ci, false, "aws:PrincipalArn=ci-bot"),
                row(ci.replace("ArnLike", "ArnEquals"), true, "aws:PrincipalArn=arn:aws:iam::111122223333:user/ci-x"),
                row(ci.replace("ArnLike", "ArnNotLike"), true, "aws:PrincipalArn=arn:aws:iam::111122223333:role/x"),
                row(ci.replace("ArnLike", "ArnNotEquals"), false,
                        "aws:PrincipalArn=arn:aws:iam::111122223333:user/ci-x"),
                // IpAddress / NotIpAddress
                row(ip, true, "aws:SourceIp=10.1.2.3"),
                row(ip, false, "aws:SourceIp=11.0.0.1"),
                row(ip, false),
                row(ip, false, "aws:SourceIp=not-an-address"),
                row(ip, false, "aws:SourceIp=2001:db8::1"),
                row(ip, true, "aws:SourceIp=::ffff:10.1.2.3"),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"10.1.2.3/8\"}}", true, "aws:SourceIp=10.200.0.1"),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", true, "aws:SourceIp=203.0.113.9"),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"192.0.2.7\"}}", true, "aws:SourceIp=192.0.2.7"),
                row("{\"IpAddress\":{\"aws:SourceIp\":\"192.0.2.7\"}}", false, "aws:SourceIp=192.0.2.8"),
                row(ipv6, true, "aws:SourceIp=2001:db8:1::5"),
                row(ipv6, true, "aws:SourceIp=2001:DB8::1"),
                row(ipv6, false, "aws:SourceIp=2001:db9::1"),
                row(ipv6, false, "aws:SourceIp=10.1.2.3"),
                row(notIp, false, "aws:SourceIp=10.1.2.3"),
                row(notIp, false, "aws:SourceIp=192.0.2.7"),
                row(notIp, true, "aws:SourceIp=192.0.2.8"),
                row(notIp, true),
                // Bool and Null
                row("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}", true, "aws:SecureTransport=true"),
                row("{\"Bool\":{\"aws:SecureTransport\":true}}", true, "aws:SecureTransport=TRUE"),
                row("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}", false, "aws:SecureTransport=false"),
                row("{\"Bool\":{\"aws:SecureTransport\":\"true\"}}", false),
                row("{\"Null\":{\"aws:MultiFactorAuthAge\":\"true\"}}", true),
                row("{\"Null\":{\"aws:MultiFactorAuthAge\":\"true\"}}", true, "aws:MultiFactorAuthAge="),
                row("{\"Null\":{\"aws:MultiFactorAuthAge\":\"true\"}}", false, "aws:MultiFactorAuthAge=30"),
                row("{\"Null\":{\"aws:MultiFactorAuthAge\":\"false\"}}", true, "aws:MultiFactorAuthAge=30"),
                row("{\"Null\":{\"aws:MultiFactorAuthAge\":false}}", false),
                // IfExists: a missing key passes, a present one is tested
                row("{\"StringEqualsIfExists\":{\"ecr:ResourceTag/team\":\"blue\"}}", true),
                row("{\"StringEqualsIfExists\":{\"ecr:ResourceTag/team\":\"blue\"}}", true, "ecr:ResourceTag/team=blue"),
                row("{\"StringEqualsIfExists\":{\"ecr:ResourceTag/team\":\"blue\"}}", false, "ecr:ResourceTag/team=red"),
                row("{\"IpAddressIfExists\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}", true),
                row("{\"IpAddressIfExists\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}", false, "aws:SourceIp=11.0.0.1"),
                // ForAnyValue: some request value matches; missing or empty never does
                row(anyTag, true, "aws:TagKeys=owner|environment"),
                row(anyTag, false, "aws:TagKeys=owner"),
                row(anyTag, false),
                row(anyTag, false, "aws:TagKeys="),
                row("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":\"secret\"}}", true, "aws:TagKeys=secret|a"),
                row("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":\"secret\"}}", false, "aws:TagKeys=secret"),
                row("{\"ForAnyValue:StringLike\":{\"aws:TagKeys\":\"team-*\"}}", true, "aws:TagKeys=x|team-a"),
                // ForAllValues: every request value matches; missing or empty vacuously does
                row(allTags, true, "aws:TagKeys=environment"),
                row(allTags, true, "aws:TagKeys=environment|cost-center"),
                row(allTags, false, "aws:TagKeys=environment|owner"),
                row(allTags, true),
                row(allTags, true, "aws:TagKeys="),
                row("{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":\"secret\"}}", true, "aws:TagKeys=a|b"),
                row("{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":\"secret\"}}", false, "aws:TagKeys=a|secret"),
                row("{\"ForAllValues:IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}", false,
                        "aws:SourceIp=10.0.0.1|11.0.0.1"),
                // AND over operators and over keys
                row("{\"StringEquals\":{\"aws:username\":\"alice\"}," + ip.substring(1), true,
                        "aws:username=alice", "aws:SourceIp=10.0.0.1"),
                row("{\"StringEquals\":{\"aws:username\":\"alice\"}," + ip.substring(1), false,
                        "aws:username=alice", "aws:SourceIp=11.0.0.1"),
                row("{\"StringEquals\":{\"aws:username\":\"alice\",\"aws:PrincipalAccount\":\"111122223333\"}}",
                        true, "aws:username=alice", "aws:PrincipalAccount=111122223333"),
                row("{\"StringEquals\":{\"aws:username\":\"alice\",\"aws:PrincipalAccount\":\"111122223333\"}}",
                        false, "aws:username=alice", "aws:PrincipalAccount=444455556666"),
                row("{}", true));
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("conditions")
    void conditionHoldsAsIamSays(String condition, List<String> context, boolean expected) {
        assertEquals(expected, holds(condition, context(context.toArray(String[]::new))));
    }

    @Test
    void iamExampleDenyAccessBasedOnTheSourceIp() {
        // IAM documentation: deny everything from outside the corporate ranges, unless an AWS service calls on
        // the user's behalf.
        Policy policy = identity("""
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "*", "Resource": "*",
                     "Condition": {
                       "NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
                       "Bool": {"aws:ViaAWSService": "false"}
                     }}
                  ]
                }""");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage", REPO,
                context("aws:SourceIp=192.0.2.5", "aws:ViaAWSService=false"))));
        assertEquals(Decision.DENY, policy.evaluate(alice("ecr:PutImage", REPO,
                context("aws:SourceIp=198.51.100.1", "aws:ViaAWSService=false"))));
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:PutImage", REPO,
                context("aws:SourceIp=198.51.100.1", "aws:ViaAWSService=true"))));
    }

    @Test
    void iamExampleAllowOnlyWithAllowedTagKeysNeedsANullCheck() {
        // ForAllValues holds when the key is missing; IAM's documentation pairs it with a Null check.
        Policy policy = Fixtures.allowWhen("""
                {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]},
                 "Null": {"aws:TagKeys": "false"}}""");
        assertEquals(Decision.ALLOW, policy.evaluate(alice("ecr:TagResource", REPO,
                context("aws:TagKeys=environment"))));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:TagResource", REPO)));
        assertEquals(Decision.NOT_APPLICABLE, policy.evaluate(alice("ecr:TagResource", REPO,
                context("aws:TagKeys=environment|owner"))));
    }

    @Test
    void contextKeysThatDifferOnlyInCaseAreOneKey() {
        AccessRequest request = alice("ecr:BatchGetImage", REPO, context("aws:TagKeys=a", "AWS:TAGKEYS=b"));
        assertEquals(List.of("a", "b"), request.values("aws:tagkeys").stream().sorted().toList());
        assertEquals(List.of(), request.values("aws:username"));
    }
}
