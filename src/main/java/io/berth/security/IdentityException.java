package io.berth.security;

/** A refused identity operation; the message is safe to show to the caller. */
public class IdentityException extends RuntimeException {

    private final IdentityProblem problem;

    public IdentityException(IdentityProblem problem, String message) {
        super(message, null, false, false);
        this.problem = problem;
    }

    public IdentityProblem problem() {
        return problem;
    }
}
