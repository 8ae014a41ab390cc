package io.berth.registry;

/** A refusal with a reason the client can act on; never carries internal details. */
public class RegistryException extends RuntimeException {

    private final Problem problem;
    private final transient Object detail;

    public RegistryException(Problem problem, String message) {
        this(problem, message, null);
    }

    public RegistryException(Problem problem, String message, Object detail) {
        super(message, null, false, false);
        this.problem = problem;
        this.detail = detail;
    }

    public Problem problem() {
        return problem;
    }

    /** Extra structured information (a digest, a range), or null. */
    public Object detail() {
        return detail;
    }
}
