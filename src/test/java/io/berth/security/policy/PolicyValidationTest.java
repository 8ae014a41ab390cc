package io.berth.security.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Policies that must be refused, each with a message that says what is wrong and where. */
class PolicyValidationTest {

    static String message(String json, PolicyKind kind) {
        return assertThrows(PolicyException.class, () -> Policy.parse(json, kind)).getMessage();
    }

    /** One statement of an identity policy, from its members. */
    static String statement(String members) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{" + members + "}]}";
    }

    static Stream<Arguments> invalidIdentityPolicies() {
        String allow = "\"Effect\":\"Allow\",\"Resource\":\"*\",";
        return Stream.of(
                Arguments.of(statement("\"Action\":\"ecr:BatchGetImage\",\"Resource\":\"*\""),
                        "Statement[0]: Effect is missing; it must be \"Allow\" or \"Deny\""),
                Arguments.of(statement("\"Effect\":\"allow\",\"Action\":\"ecr:BatchGetImage\",\"Resource\":\"*\""),
                        "Statement[0]: Effect 'allow' must be \"Allow\" or \"Deny\""),
                Arguments.of("{\"Statement\":[{" + allow + "\"Action\":\"ecr:BatchGetImage\"},{" + allow
                        + "\"Action\":\"ecr:PullImage\"}]}",
                        "Statement[1]: Action 'ecr:PullImage' is an unknown action"),
                Arguments.of(statement(allow + "\"Action\":[\"ecr:BatchGetImage\",\"s3:GetObject\"]"),
                        "Statement[0]: Action 's3:GetObject' is not supported: only ecr: actions and"
                                + " cloudtrail:LookupEvents are supported"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:Pull*\""),
                        "Statement[0]: Action 'ecr:Pull*' matches no action Berth knows"),
                Arguments.of(statement(allow + "\"Action\":\"BatchGetImage\""),
                        "Statement[0]: Action 'BatchGetImage' is not an action; expected \"*\" or \"ecr:<action>\""),
                Arguments.of(statement(allow + "\"NotAction\":\"ecr:Bogus\""),
                        "Statement[0]: NotAction 'ecr:Bogus' is an unknown action"),
                Arguments.of(statement(allow + "\"Action\":[]"), "Statement[0]: Action is an empty array"),
                Arguments.of(statement(allow + "\"Action\":42"),
                        "Statement[0]: Action must be a string or an array of strings"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Resource\":\"*\""),
                        "Statement[0]: Action or NotAction is missing"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"NotAction\":\"ecr:PutImage\""),
                        "Statement[0] has both Action and NotAction; use one of them"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\""),
                        "Statement[0]: Resource or NotResource is missing"),
                Arguments.of(statement("\"Sid\":\"AllowPull\",\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"Resource\":\"arn:aws:ecr:us-east-1:12:repository/x\""),
                        "Statement 'AllowPull': Resource 'arn:aws:ecr:us-east-1:12:repository/x' is not a valid ARN: "
                                + "the account must be empty, 12 digits or a wildcard pattern"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\",\"Resource\":\"team/app\""),
                        "Statement[0]: Resource 'team/app' is not a valid ARN: it must be \"*\" or start with \"arn:\""),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"Resource\":\"arn:aws:ecr:us-east-1:repository/x\""),
                        "Statement[0]: Resource 'arn:aws:ecr:us-east-1:repository/x' is not a valid ARN: it needs six "
                                + "colon-separated parts, arn:partition:service:region:account:resource"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"Resource\":\"arn:aws:s3:::bucket/x\""),
                        "Statement[0]: Resource 'arn:aws:s3:::bucket/x' is not a valid ARN: the service must be ecr"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"Resource\":\"arn::ecr:us-east-1:111122223333:repository/x\""),
                        "Statement[0]: Resource 'arn::ecr:us-east-1:111122223333:repository/x' is not a valid ARN: "
                                + "the partition is empty"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"NotResource\":\"arn:aws:ecr:us-east-1:111122223333:image/x\""),
                        "Statement[0]: NotResource 'arn:aws:ecr:us-east-1:111122223333:image/x' is not a valid ARN: "
                                + "the resource must be repository/<name>"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/\""),
                        "Statement[0]: Resource 'arn:aws:ecr:us-east-1:111122223333:repository/' is not a valid ARN: "
                                + "the resource must be repository/<name>"),
                Arguments.of(statement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                        + "\"Resource\":\"arn:aws:ecr:*:*:repository/${aws:username}\""),
                        "Statement[0]: Resource 'arn:aws:ecr:*:*:repository/${aws:username}' uses a policy variable; "
                                + "policy variables are not supported"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Principal\":\"*\""),
                        "Statement[0]: Principal is not allowed in an identity policy; it applies to the users and "
                                + "groups it is attached to"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"StringEqualz\":"
                        + "{\"aws:username\":\"alice\"}}"),
                        "Statement[0]: Condition operator 'StringEqualz' is not supported (supported: StringEquals,"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"NullIfExists\":"
                        + "{\"aws:username\":\"true\"}}"),
                        "Statement[0]: Condition operator 'NullIfExists' is not supported: Null takes neither "),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"IpAddress\":"
                        + "{\"aws:SourceIp\":\"10.0.0.0/33\"}}"),
                        "Statement[0]: Condition IpAddress 'aws:SourceIp': '10.0.0.0/33' is not a valid IP address or "
                                + "CIDR block: the prefix length must be 0 to 32"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"NotIpAddress\":"
                        + "{\"aws:SourceIp\":[\"10.0.0.0/8\",\"10.0.0.256\"]}}"),
                        "Statement[0]: Condition NotIpAddress 'aws:SourceIp': '10.0.0.256' is not a valid IP address "
                                + "or CIDR block: not an IPv4 or IPv6 address"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"IpAddress\":"
                        + "{\"aws:SourceIp\":\"2001:db8::/129\"}}"),
                        "Statement[0]: Condition IpAddress 'aws:SourceIp': '2001:db8::/129' is not a valid IP address "
                                + "or CIDR block: the prefix length must be 0 to 128"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"Bool\":"
                        + "{\"aws:SecureTransport\":\"yes\"}}"),
                        "Statement[0]: Condition Bool 'aws:SecureTransport': 'yes' must be \"true\" or \"false\""),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"ArnLike\":"
                        + "{\"aws:PrincipalArn\":\"alice\"}}"),
                        "Statement[0]: Condition ArnLike 'aws:PrincipalArn': 'alice' is not an ARN"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"StringEquals\":"
                        + "{\"aws:username\":[]}}"),
                        "Statement[0]: Condition StringEquals 'aws:username' has no values"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":{\"StringEquals\":"
                        + "{\"aws:username\":{\"a\":1}}}"),
                        "Statement[0]: Condition StringEquals 'aws:username' must be a string, number or boolean"),
                Arguments.of(statement(allow + "\"Action\":\"ecr:*\",\"Condition\":[\"StringEquals\"]"),
                        "Statement[0]: Condition must be an object"),
                Arguments.of(statement(allow + "\"Actions\":\"ecr:*\""),
                        "Statement[0]: unknown member 'Actions' (allowed: Sid, Effect, Action, NotAction, Resource, "
                                + "NotResource, Principal, NotPrincipal, Condition)"),
                Arguments.of(statement(allow + "\"action\":\"ecr:*\""),
                        "Statement[0]: unknown member 'action' (did you mean 'Action'?)"),
                Arguments.of("{\"Version\":\"2012-10-17\",\"Statements\":[]}",
                        "policy: unknown member 'Statements' (allowed: Version, Id, Statement)"),
                Arguments.of("{\"Version\":\"2012-10-17\"}", "policy: Statement is missing"),
                Arguments.of("{\"Statement\":[]}", "policy: Statement is an empty array"),
                Arguments.of("{\"Statement\":\"Allow\"}", "policy: Statement must be an object or an array"),
                Arguments.of("{\"Statement\":[\"Allow\"]}", "Statement[0] must be an object"),
                Arguments.of("{\"Version\":\"2020-01-01\",\"Statement\":[]}",
                        "policy: Version '2020-01-01' is not supported; use \"2012-10-17\""),
                Arguments.of("{\"Version\":20121017,\"Statement\":[]}", "policy: Version must be a string"),
                Arguments.of("{\"Statement\":[{\"Sid\":\"X\"," + allow + "\"Action\":\"ecr:*\"},{\"Sid\":\"X\","
                        + allow + "\"Action\":\"ecr:PutImage\"}]}",
                        "policy: Sid 'X' is used by more than one statement"),
                Arguments.of("[]", "policy must be a JSON object"),
                Arguments.of("  ", "policy is empty"));
    }

    @ParameterizedTest
    @MethodSource("invalidIdentityPolicies")
    void refusesInvalidIdentityPoliciesSayingWhatIsWrong(String json, String expectedStart) {
        String message = message(json, PolicyKind.IDENTITY);
        assertTrue(message.startsWith(expectedStart), () -> "message was: " + message);
    }

    static Stream<Arguments> invalidResourcePolicies() {
        String pull = "\"Effect\":\"Allow\",\"Action\":\"ecr:BatchGetImage\",";
        return Stream.of(
                Arguments.of(statement(pull.substring(0, pull.length() - 1)),
                        "Statement[0]: Principal or NotPrincipal is missing; a repository policy statement must say "
                                + "whom it applies to"),
                Arguments.of(statement(pull + "\"Principal\":{\"Service\":\"codebuild.amazonaws.com\"}"),
                        "Statement[0]: Principal 'Service' is not supported: only AWS principals (accounts and users) "
                                + "are"),
                Arguments.of(statement(pull + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/ci\"}"),
                        "Statement[0]: Principal AWS 'arn:aws:iam::111122223333:role/ci' is not a supported principal: "
                                + "expected \"*\", a 12-digit account id, arn:aws:iam::<account>:root or "
                                + "arn:aws:iam::<account>:user/<name>"),
                Arguments.of(statement(pull + "\"Principal\":{\"AWS\":[\"11112222333\"]}"),
                        "Statement[0]: Principal AWS '11112222333' is not a supported principal"),
                Arguments.of(statement(pull + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/*\"}"),
                        "Statement[0]: Principal AWS 'arn:aws:iam::111122223333:user/*' is not a supported principal"),
                Arguments.of(statement(pull + "\"Principal\":\"111122223333\""),
                        "Statement[0]: Principal must be \"*\" or an object such as {\"AWS\": \"123456789012\"}"),
                Arguments.of(statement(pull + "\"Principal\":{}"), "Statement[0]: Principal names no principals"),
                Arguments.of(statement(pull + "\"Principal\":\"*\",\"NotPrincipal\":{\"AWS\":\"111122223333\"}"),
                        "Statement[0] has both Principal and NotPrincipal; use one of them"));
    }

    @ParameterizedTest
    @MethodSource("invalidResourcePolicies")
    void refusesInvalidResourcePoliciesSayingWhatIsWrong(String json, String expectedStart) {
        String message = message(json, PolicyKind.RESOURCE);
        assertTrue(message.startsWith(expectedStart), () -> "message was: " + message);
    }

    @Test
    void malformedJsonIsReportedWithItsPositionAndWithoutParserInternals() {
        PolicyException e = assertThrows(PolicyException.class,
                () -> Policy.parse("{\"Statement\": [}", PolicyKind.IDENTITY));
        assertTrue(e.getMessage().startsWith("policy is not valid JSON: line 1, column "), e.getMessage());
        assertFalse(e.getMessage().contains("line no="), e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        assertEquals(0, e.getStackTrace().length, "no stack trace to leak");
    }

    @Test
    void textAfterThePolicyIsRefusedRatherThanIgnored() {
        String message = message("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ecr:*\",\"Resource\":\"*\"}}"
                + " {\"Statement\":[]}", PolicyKind.IDENTITY);
        assertTrue(message.startsWith("policy is not valid JSON: "), message);
    }

    @Test
    void duplicateMembersAreRefusedSinceParsersDisagreeOnWhichCounts() {
        String message = message("{\"Statement\":{\"Effect\":\"Deny\",\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                + "\"Resource\":\"*\"}}", PolicyKind.IDENTITY);
        assertTrue(message.startsWith("policy is not valid JSON: ") && message.contains("Effect"), message);
    }

    @Test
    void aStatementIsNamedByItsSidWhenItHasOne() {
        String message = message(statement("\"Sid\":\"PullOnly\",\"Effect\":\"Allow\",\"Action\":\"ecr:Pull\","
                + "\"Resource\":\"*\""), PolicyKind.IDENTITY);
        assertEquals("Statement 'PullOnly': Action 'ecr:Pull' is an unknown action", message);
    }

    @Test
    void acceptsTheFullGrammar() {
        String json = """
                {
                  "Version": "2008-10-17",
                  "Id": "everything",
                  "Statement": {
                    "Sid": "All",
                    "Effect": "Deny",
                    "NotAction": ["ecr:get*", "ECR:BatchGetImage", "ecr:?atchCheckLayerAvailability"],
                    "NotResource": ["arn:aws:ecr:*:111122223333:repository/team/*", "arn:aws-cn:ecr:cn-north-1::*"],
                    "NotPrincipal": {"AWS": ["*", "111122223333", "arn:aws:iam::444455556666:root",
                                             "arn:aws:iam::444455556666:user/ci/builder"]},
                    "Condition": {
                      "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team-*", 7, true]},
                      "ForAllValues:StringNotEqualsIgnoreCase": {"aws:TagKeys": "secret"},
                      "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"},
                      "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"]},
                      "Bool": {"aws:SecureTransport": true},
                      "Null": {"aws:MultiFactorAuthAge": "false"}
                    }
                  }
                }""";
        Policy policy = Policy.parse(json, PolicyKind.RESOURCE);
        assertEquals(json, policy.json());
        assertEquals(PolicyKind.RESOURCE, policy.kind());
    }

    @Test
    void aPolicyToBeStoredMayNotConditionOnKeysBerthNeverSets() {
        String mfa = statement("\"Effect\":\"Deny\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":"
                + "{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}");
        String message = assertThrows(PolicyException.class, () -> Policy.validate(mfa, PolicyKind.IDENTITY))
                .getMessage();
        assertTrue(message.startsWith("Statement[0]: Condition Bool 'aws:MultiFactorAuthPresent': Berth never sets"),
                message);
        // Stored earlier, such a policy still reads: the condition simply never holds, as before.
        Policy.parse(mfa, PolicyKind.IDENTITY);
        for (String key : new String[] {"aws:SecureTransport", "AWS:SOURCEIP", "aws:RequestTag/team", "aws:TagKeys",
                "ecr:ResourceTag/env", "aws:ResourceTag/env", "aws:username"}) {
            assertTrue(ConditionKeys.isSupported(key), key);
        }
        assertFalse(ConditionKeys.isSupported("aws:RequestTag/"));
        assertFalse(ConditionKeys.isSupported("ecr:RequestTag/team"));
    }
}
