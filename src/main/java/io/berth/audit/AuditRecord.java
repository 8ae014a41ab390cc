package io.berth.audit;

import static io.berth.platform.Jsonp.JSON;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * One call as CloudTrail records it ({@code eventVersion} 1.08), with the fields its lookups filter on. {@code json}
 * is the record exactly as stored and hashed.
 */
public record AuditRecord(String eventId, long time, String accountId, String eventSource, String eventName,
                          boolean readOnly, String userName, String accessKeyId, String resourceType,
                          String resourceName, String errorCode, String json) {

    static final String REPOSITORY_TYPE = "AWS::ECR::Repository";
    static final String USER_TYPE = "AWS::IAM::User";

    private static final JsonGeneratorFactory GENERATORS = JSON.createGeneratorFactory(Map.of());

    /** Whether an operation only reads, by AWS's naming: Get, List, Describe, BatchGet, BatchCheck, Lookup. */
    static boolean readOnly(String eventName) {
        return eventName.startsWith("Get") || eventName.startsWith("List") || eventName.startsWith("Describe")
                || eventName.startsWith("BatchGet") || eventName.startsWith("BatchCheck")
                || eventName.startsWith("Lookup");
    }

    static AuditRecord of(AuditEntry entry, String region) {
        String eventId = TimeOrderedIds.next(entry.time);
        boolean readOnly = readOnly(entry.name);
        // A call on a repository belongs to the repository's account; any other to the caller's.
        String account = entry.repository != null ? entry.repository.accountId()
                : entry.identityAccount != null ? entry.identityAccount : entry.attemptedAccount;
        String errorCode = entry.errorCode != null ? entry.errorCode
                : entry.status >= 400 ? httpError(entry.status) : null;
        String resourceType = null;
        String resourceName = null;
        String resourceArn = null;
        if (entry.repository != null) {
            resourceType = REPOSITORY_TYPE;
            resourceName = entry.repository.name();
            resourceArn = entry.repository.arn(region);
        } else if (entry.iamUser != null && entry.identityAccount != null) {
            resourceType = USER_TYPE;
            resourceName = entry.iamUser;
            resourceArn = "arn:aws:iam::" + account + ":user/" + resourceName;
        }

        // Written as it is built, without a tree of the record first: the flush writes a record per call.
        StringWriter text = new StringWriter(1024);
        try (JsonGenerator record = GENERATORS.createGenerator(text)) {
            record.writeStartObject().write("eventVersion", "1.08");
            identity(record.writeStartObject("userIdentity"), entry).writeEnd()
                    .write("eventTime", Instant.ofEpochMilli(entry.time).truncatedTo(ChronoUnit.SECONDS).toString())
                    .write("eventSource", entry.source)
                    .write("eventName", entry.name)
                    .write("awsRegion", region)
                    .write("sourceIPAddress", entry.sourceIp == null ? "" : entry.sourceIp)
                    .write("userAgent", entry.userAgent == null ? "" : entry.userAgent);
            if (errorCode != null) {
                record.write("errorCode", errorCode)
                        .write("errorMessage", entry.errorMessage == null ? errorCode : entry.errorMessage);
            }
            record.write("requestParameters", entry.parameters == null ? JsonValue.NULL : entry.parameters)
                    .write("responseElements", entry.response == null || errorCode != null ? JsonValue.NULL
                            : entry.response)
                    .write("requestID", entry.requestId)
                    .write("eventID", eventId)
                    .write("readOnly", readOnly);
            if (resourceType != null) {
                record.writeStartArray("resources").writeStartObject()
                        .write("accountId", account)
                        .write("type", resourceType)
                        .write("ARN", resourceArn)
                        .writeEnd().writeEnd();
            }
            record.write("eventType", "AwsApiCall")
                    .write("managementEvent", true)
                    .write("recipientAccountId", account == null ? "" : account)
                    .write("eventCategory", "Management")
                    .writeEnd();
        }
        String userName = entry.identityUser != null ? entry.identityUser : entry.attemptedIdentity;
        return new AuditRecord(eventId, entry.time, account, entry.source, entry.name, readOnly, userName,
                entry.accessKeyId, resourceType, resourceName, errorCode, text.toString());
    }

    /**
     * A stored record read back: the lookup attributes as {@link #of} set them, from the JSON it wrote ({@code time},
     * which the JSON holds to the second only, as stored beside it).
     */
    static AuditRecord read(String json, long time) {
        JsonObject record;
        try (JsonReader reader = JSON.createReader(new StringReader(json))) {
            record = reader.readObject();
        }
        JsonObject identity = record.getJsonObject("userIdentity");
        String account = record.getString("recipientAccountId", "");
        String resourceType = null;
        String resourceName = null;
        JsonArray resources = record.getJsonArray("resources");
        if (resources != null && !resources.isEmpty()) {
            JsonObject resource = resources.getJsonObject(0);
            resourceType = resource.getString("type");
            // arn:aws:ecr:<region>:<account>:repository/<name>, arn:aws:iam::<account>:user/<name>
            String arn = resource.getString("ARN");
            resourceName = arn.substring(arn.indexOf('/') + 1);
        }
        return new AuditRecord(record.getString("eventID"), time, account.isEmpty() ? null : account,
                record.getString("eventSource"), record.getString("eventName"), record.getBoolean("readOnly"),
                identity.getString("userName", null), identity.getString("accessKeyId", null), resourceType,
                resourceName, record.getString("errorCode", null), json);
    }

    private static JsonGenerator identity(JsonGenerator identity, AuditEntry entry) {
        if (entry.identityUser == null) {
            identity.write("type", "Unknown");
            if (entry.attemptedIdentity != null) {
                identity.write("userName", entry.attemptedIdentity);
            }
            return identity;
        }
        identity.write("type", "IAMUser")
                .write("principalId", entry.identityUserId)
                .write("arn", "arn:aws:iam::" + entry.identityAccount + ":user/" + entry.identityUser)
                .write("accountId", entry.identityAccount);
        if (entry.accessKeyId != null) {
            identity.write("accessKeyId", entry.accessKeyId);
        }
        return identity.write("userName", entry.identityUser);
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
