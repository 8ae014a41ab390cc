package io.berth.security.policy;

/** What one policy says about one request. */
public enum Decision {
    ALLOW,
    /** An explicit deny: a matching Deny statement. */
    DENY,
    /** No statement matches; the policy neither allows nor denies. */
    NOT_APPLICABLE
}
