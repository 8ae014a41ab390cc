package io.berth.security.policy;

import java.util.List;
import java.util.Map;

/** Accounts, principals and repositories the policy tests share. */
final class Fixtures {

    static final String A = "111122223333";
    static final String B = "444455556666";
    static final String ALICE = "arn:aws:iam::" + A + ":user/alice";
    static final String BOB = "arn:aws:iam::" + B + ":user/bob";
    static final String REPO = "arn:aws:ecr:us-east-1:" + A + ":repository/team/app";

    private Fixtures() {
    }

    static AccessRequest alice(String action, String resource) {
        return new AccessRequest(ALICE, A, action, resource);
    }

    static AccessRequest alice(String action, String resource, Map<String, List<String>> context) {
        return new AccessRequest(ALICE, A, action, resource, context);
    }

    static AccessRequest bob(String action, String resource) {
        return new AccessRequest(BOB, B, action, resource);
    }

    static Policy identity(String json) {
        return Policy.parse(json, PolicyKind.IDENTITY);
    }

    static Policy resource(String json) {
        return Policy.parse(json, PolicyKind.RESOURCE);
    }

    /** An identity policy of one statement, given its members, e.g. {@code "Effect":"Allow", ...}. */
    static Policy identityStatement(String members) {
        return identity("{\"Version\":\"2012-10-17\",\"Statement\":[{" + members + "}]}");
    }

    /** An identity policy allowing every ECR action on every resource when the condition holds. */
    static Policy allowWhen(String condition) {
        return identityStatement("\"Effect\":\"Allow\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":"
                + condition);
    }
}
