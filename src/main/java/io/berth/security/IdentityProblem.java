package io.berth.security;

/** Why an identity operation was refused, with IAM's error codes. */
public enum IdentityProblem {
    NO_SUCH_ENTITY("NoSuchEntity", 404),
    ENTITY_ALREADY_EXISTS("EntityAlreadyExists", 409),
    DELETE_CONFLICT("DeleteConflict", 409),
    LIMIT_EXCEEDED("LimitExceeded", 409),
    MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocument", 400),
    PASSWORD_POLICY_VIOLATION("PasswordPolicyViolation", 400),
    VALIDATION_ERROR("ValidationError", 400),
    ACCESS_DENIED("AccessDenied", 403);

    private final String code;
    private final int status;

    IdentityProblem(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
