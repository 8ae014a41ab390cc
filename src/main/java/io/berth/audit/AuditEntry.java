package io.berth.audit;

import io.berth.registry.RepositoryName;
import jakarta.json.JsonObject;
import jakarta.servlet.ServletRequest;

/**
 * What one request did, as the boundaries and the authentication mechanism learn it, kept with the request (a request
 * attribute) until it ends; {@link AuditListener} then turns it into a CloudTrail record. A request no boundary names
 * (a health check, the {@code /v2/} ping) leaves no record.
 */
public final class AuditEntry {

    public static final String ATTRIBUTE = AuditEntry.class.getName();

    public static final String ECR = "ecr.amazonaws.com";
    public static final String IAM = "iam.amazonaws.com";
    public static final String CLOUDTRAIL = "cloudtrail.amazonaws.com";
    /** Sign-in to the web console (ConsoleLogin), as AWS's sign-in service names it. */
    public static final String SIGNIN = "signin.amazonaws.com";
    /** Berth's own operations (collection). */
    public static final String BERTH = "berth";

    final long time = System.currentTimeMillis();
    final String requestId = TimeOrderedIds.next(System.currentTimeMillis());
    String source;
    String name;
    JsonObject parameters;
    JsonObject response;
    String errorCode;
    String errorMessage;
    int status;
    /** The repository the call was about, if any. */
    RepositoryName repository;
    /** The IAM user the call was about, if any. */
    String iamUser;
    /** Who tried to sign in when authentication refused the request: a user name or an access key id. */
    String attemptedIdentity;
    String attemptedAccount;
    String identityAccount;
    String identityUser;
    String identityUserId;
    String accessKeyId;
    String sourceIp;
    String userAgent;

    /** Whether the entry's record has been queued (or deliberately not): a request is recorded once. */
    boolean finished;

    /**
     * The request's entry, made here if {@link AuditListener} has not made it yet: Undertow (WildFly) calls request
     * listeners only once authentication has let a request through.
     */
    public static AuditEntry of(ServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof AuditEntry entry) {
            return entry;
        }
        AuditEntry entry = new AuditEntry();
        request.setAttribute(ATTRIBUTE, entry);
        return entry;
    }

    public String requestId() {
        return requestId;
    }

    /** Names the call: the service it belongs to and its operation (ECR's names for {@code /v2} too). */
    public AuditEntry call(String eventSource, String eventName) {
        this.source = eventSource;
        this.name = eventName;
        return this;
    }

    /** Whether an operation only reads, by AWS's naming: Get, List, Describe, BatchGet, BatchCheck, Lookup. */
    public static boolean readOnly(String eventName) {
        return AuditRecord.readOnly(eventName);
    }

    public boolean named() {
        return name != null;
    }

    /** The request's parameters, secrets already removed (see {@link Redaction}). */
    public AuditEntry parameters(JsonObject parameters) {
        this.parameters = parameters;
        return this;
    }

    /** What a changing call answered, secrets already removed. */
    public AuditEntry response(JsonObject response) {
        this.response = response;
        return this;
    }

    public AuditEntry error(String code, String message) {
        this.errorCode = code;
        this.errorMessage = message;
        return this;
    }

    public AuditEntry repository(RepositoryName name) {
        this.repository = name;
        return this;
    }

    public AuditEntry iamUser(String userName) {
        this.iamUser = userName;
        return this;
    }

    /** Who a refused request claimed to be, and the account that claim belongs to (its records show it). */
    public AuditEntry attemptedIdentity(String identity, String accountId) {
        this.attemptedIdentity = identity;
        this.attemptedAccount = accountId;
        return this;
    }

    /** The authenticated caller; {@code accessKeyId} is null for a password. */
    public AuditEntry identity(String accountId, String userName, long userId, String accessKeyId) {
        this.identityAccount = accountId;
        this.identityUser = userName;
        this.identityUserId = Long.toString(userId);
        this.accessKeyId = accessKeyId;
        return this;
    }

    /** The client's address (after trusted proxies) and its {@code User-Agent}. */
    public AuditEntry origin(String sourceIp, String userAgent) {
        this.sourceIp = sourceIp;
        this.userAgent = userAgent;
        return this;
    }

    /** The HTTP status, for calls whose boundary names no error code. */
    public AuditEntry status(int status) {
        this.status = status;
        return this;
    }
}
