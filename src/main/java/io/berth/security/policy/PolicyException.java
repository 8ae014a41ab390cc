package io.berth.security.policy;

/**
 * A policy that cannot be accepted. The message says what is wrong and where, and quotes only the policy's own
 * content, so it can be shown to whoever submitted the policy.
 */
public final class PolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PolicyException(String message) {
        // No cause and no stack trace: the message is the whole story, and parser internals are not the user's concern.
        super(message, null, false, false);
    }
}
