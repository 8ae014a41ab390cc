package io.berth.audit;

import static io.berth.platform.Jsonp.JSON;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One call as CloudTrail records it ({@code eventVersion} 1.08), with the fields its lookups filter on. {@code json}
 * is the record exactly as stored and hashed.
 */
public record AuditRecord(String eventId, long time, String accountId, String eventSource, String eventName,
                          boolean readOnly, String userName, String accessKeyId, String resourceType,
                          String resourceName, String errorCode, String json) {

    static final String REPOSITORY_TYPE = "AWS::ECR::Repository";
    static final String USER_TYPE = "AWS::IAM::User";

    /** Whether an operation only reads, by AWS's naming: Get, List, Describe, BatchGet, BatchCheck, Lookup. */
    static boolean readOnly(String eventName) {
        return eventName.startsWith("Get") || eventName.startsWith("List") || eventName.startsWith("Describe")
                || eventName.startsWith("BatchGet") || eventName.startsWith("BatchCheck")
                || eventName.startsWith("Lookup");
    }

    static AuditRecord of(AuditEntry entry, String region) {
        String eventId = TimeOrderedIds.next(entry.time);
        boolean readOnly = readOnly(entry.name);
        String account = entry.identityAccount != null ? entry.identityAccount
                : entry.repository != null ? entry.repository.accountId() : entry.attemptedAccount;
        String errorCode = entry.errorCode != null ? entry.errorCode
                : entry.status >= 400 ? httpError(entry.status) : null;

        JsonObjectBuilder record = JSON.createObjectBuilder()
                .add("eventVersion", "1.08")
                .add("userIdentity", identity(entry))
                .add("eventTime", Instant.ofEpochMilli(entry.time).truncatedTo(ChronoUnit.SECONDS).toString())
                .add("eventSource", entry.source)
                .add("eventName", entry.name)
                .add("awsRegion", region)
                .add("sourceIPAddress", entry.sourceIp == null ? "" : entry.sourceIp)
                .add("userAgent", entry.userAgent == null ? "" : entry.userAgent);
        if (errorCode != null) {
            record.add("errorCode", errorCode).add("errorMessage", entry.errorMessage == null ? errorCode
                    : entry.errorMessage);
        }
        record.add("requestParameters", entry.parameters == null ? JsonObject.NULL : entry.parameters)
                .add("responseElements", entry.response == null || errorCode != null ? JsonObject.NULL
                        : entry.response)
                .add("requestID", entry.requestId)
                .add("eventID", eventId)
                .add("readOnly", readOnly);
        String resourceType = null;
        String resourceName = null;
        if (entry.repository != null) {
            String repositoryAccount = entry.repository.accountId();
            resourceType = REPOSITORY_TYPE;
            resourceName = entry.repository.name();
            record.add("resources", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                    .add("accountId", repositoryAccount).add("type", resourceType)
                    .add("ARN", entry.repository.arn(region))));
            account = repositoryAccount;
        } else if (entry.iamUser != null && entry.identityAccount != null) {
            resourceType = USER_TYPE;
            resourceName = entry.iamUser;
            record.add("resources", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                    .add("accountId", entry.identityAccount).add("type", resourceType)
                    .add("ARN", "arn:aws:iam::" + entry.identityAccount + ":user/" + resourceName)));
        }
        record.add("eventType", "AwsApiCall")
                .add("managementEvent", true)
                .add("recipientAccountId", account == null ? "" : account)
                .add("eventCategory", "Management");
        String userName = entry.identityUser != null ? entry.identityUser : entry.attemptedIdentity;
        return new AuditRecord(eventId, entry.time, account, entry.source, entry.name, readOnly, userName,
                entry.accessKeyId, resourceType, resourceName, errorCode, record.build().toString());
    }

    private static JsonObjectBuilder identity(AuditEntry entry) {
        JsonObjectBuilder identity = JSON.createObjectBuilder();
        if (entry.identityUser == null) {
            identity.add("type", "Unknown");
            if (entry.attemptedIdentity != null) {
                identity.add("userName", entry.attemptedIdentity);
            }
            return identity;
        }
        identity.add("type", "IAMUser")
                .add("principalId", entry.identityUserId)
                .add("arn", "arn:aws:iam::" + entry.identityAccount + ":user/" + entry.identityUser)
                .add("accountId", entry.identityAccount);
        if (entry.accessKeyId != null) {
            identity.add("accessKeyId", entry.accessKeyId);
        }
        return identity.add("userName", entry.identityUser);
    }

    /** A refusal no boundary named: its HTTP status as a code ({@code NotFound}, {@code MethodNotAllowed}, …). */
    private static String httpError(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "AccessDenied";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 413 -> "RequestEntityTooLarge";
            case 416 -> "RangeNotSatisfiable";
            case 429 -> "Throttling";
            default -> "Http" + status;
        };
    }
}
