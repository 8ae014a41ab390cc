package io.berth.security.policy;

/** Where a policy is attached, which decides whether its statements name principals. */
public enum PolicyKind {
    /** Attached to users or groups: the principal is whoever the policy is attached to, so no Principal element. */
    IDENTITY,
    /** Attached to a repository or registry: every statement must say whom it is about (Principal/NotPrincipal). */
    RESOURCE
}
