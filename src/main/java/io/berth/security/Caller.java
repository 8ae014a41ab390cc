package io.berth.security;

import io.berth.security.policy.Policy;
import java.security.Principal;
import java.util.List;

/**
 * An authenticated user as authorization sees it: who, in which account, and the identity policies of the user and
 * its groups, loaded once when the credential is verified.
 *
 * @param accessKeyId the access key the request was signed with, or that obtained its login token; null otherwise
 */
public record Caller(String accountId, long userId, String userName, boolean administrator,
                     List<Policy> identityPolicies, String accessKeyId) implements Principal {

    /** The request attribute under which the authentication mechanism leaves the caller. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public String arn() {
        return Arns.user(accountId, userName);
    }

    /** The name audit records and events carry: account and user. */
    @Override
    public String getName() {
        return accountId + "/" + userName;
    }
}
