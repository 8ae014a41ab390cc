package io.berth.security;

/** The caller may not perform an action; the message names the action and the resource, nothing secret. */
public class AccessDeniedException extends RuntimeException {

    private final String action;

    public AccessDeniedException(String action, String message) {
        super(message, null, false, false);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
