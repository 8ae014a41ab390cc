package io.berth.cloudtrail;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.audit.AuditQueries;
import io.berth.audit.AuditRecord;
import io.berth.audit.Redaction;
import io.berth.awsmodel.InputValidator;
import io.berth.awsmodel.InputViolation;
import io.berth.awsmodel.ServiceModel;
import io.berth.security.AccessControl;
import io.berth.security.AccessDeniedException;
import io.berth.security.Caller;
import io.berth.security.ClientOrigin;
import io.berth.security.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * CloudTrail's {@code LookupEvents} over the audit trail: {@code POST /} with {@code X-Amz-Target:
 * CloudTrail_20131101.LookupEvents}, JSON 1.1, signed for service {@code cloudtrail}, so that {@code aws cloudtrail
 * lookup-events --endpoint-url …} works unchanged. A caller sees its own account's records, if a policy allows it
 * {@code cloudtrail:LookupEvents} (administrators may).
 */
@ApplicationScoped
public class CloudTrailApi {

    public static final String TARGET_PREFIX = "CloudTrail_20131101.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** CloudTrail's event history: the last 90 days unless a start says otherwise. */
    static final Duration DEFAULT_RANGE = Duration.ofDays(90);
    static final int DEFAULT_MAX_RESULTS = 50;
    private static final InputValidator VALIDATOR = new InputValidator(ServiceModel.load(
            "cloudtrail-2013-11-01.json", null));
    private static final Logger LOG = Logger.getLogger(CloudTrailApi.class.getName());

    @Inject
    AccessControl accessControl;

    @Inject
    AuditQueries queries;

    @Inject
    SecretBox secrets;

    public Response handle(AuditEntry audit, Caller caller, String target, String body, ClientOrigin origin) {
        String operation = target.substring(target.indexOf(TARGET_PREFIX) + TARGET_PREFIX.length());
        audit.call(AuditEntry.CLOUDTRAIL, operation.chars().allMatch(Character::isLetterOrDigit)
                && operation.length() <= 64 ? operation : "Unknown");
        try {
            if (!operation.equals("LookupEvents")) {
                throw new CloudTrailException("UnknownOperationException", "Berth implements CloudTrail's"
                        + " LookupEvents only, not " + operation);
            }
            JsonObject input = parse(body);
            audit.parameters(Redaction.of(input));
            VALIDATOR.validateJson(operation, input);
            accessControl.requireAccountAction(caller, "cloudtrail:LookupEvents", origin);
            return Response.ok(lookupEvents(caller.accountId(), input).build().toString(), CONTENT_TYPE).build();
        } catch (InputViolation e) {
            return refuse(audit, e.kind() == InputViolation.Kind.SERIALIZATION ? "SerializationException"
                    : "ValidationException", e.getMessage());
        } catch (CloudTrailException e) {
            return refuse(audit, e.type(), e.getMessage());
        } catch (AccessDeniedException e) {
            return refuse(audit, "AccessDeniedException", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "CloudTrail operation " + operation + " failed", e);
            audit.error("InternalFailure", "internal error");
            return Response.status(500).type(CONTENT_TYPE).entity(error("InternalFailure", "internal error"))
                    .build();
        }
    }

    private JsonObjectBuilder lookupEvents(String accountId, JsonObject input) {
        String attribute = null;
        String value = null;
        JsonArray attributes = input.getJsonArray("LookupAttributes");
        if (attributes != null && attributes.size() > 1) {
            throw new CloudTrailException("InvalidLookupAttributesException",
                    "You can specify at most one lookup attribute.");
        }
        if (attributes != null && attributes.size() == 1) {
            JsonObject only = attributes.getJsonObject(0);
            attribute = only.getString("AttributeKey");
            value = only.getString("AttributeValue");
            if (attribute.equals("ReadOnly") && !value.equals("true") && !value.equals("false")) {
                throw new CloudTrailException("InvalidLookupAttributesException",
                        "The value of the ReadOnly attribute is true or false.");
            }
        }
        long end = input.containsKey("EndTime") ? time(input.get("EndTime"), "EndTime")
                : System.currentTimeMillis();
        long start = input.containsKey("StartTime") ? time(input.get("StartTime"), "StartTime")
                : end - DEFAULT_RANGE.toMillis();
        if (start > end) {
            throw new CloudTrailException("InvalidTimeRangeException",
                    "The start time must not be after the end time.");
        }
        int max = input.containsKey("MaxResults") ? input.getInt("MaxResults") : DEFAULT_MAX_RESULTS;
        // A token goes with the lookup that issued it: the same account, attribute and times as asked (a default end
        // is "now" and moves between pages; the position alone says where the next page begins).
        String scope = String.join("\n", "LookupEvents", accountId, String.valueOf(attribute), String.valueOf(value),
                String.valueOf(input.get("StartTime")), String.valueOf(input.get("EndTime")));
        AuditQueries.Position after = position(input.getString("NextToken", null), scope);

        JsonArrayBuilder events = JSON.createArrayBuilder();
        if ("insight".equals(input.getString("EventCategory", null))) {
            // Berth has no Insights events.
            return JSON.createObjectBuilder().add("Events", events);
        }
        List<AuditQueries.Found> found = queries.lookup(accountId, attribute, value, start, end, max + 1, after);
        for (AuditQueries.Found each : found.subList(0, Math.min(max, found.size()))) {
            AuditRecord record = each.record();
            JsonObjectBuilder event = JSON.createObjectBuilder()
                    .add("EventId", record.eventId())
                    .add("EventName", record.eventName())
                    .add("ReadOnly", Boolean.toString(record.readOnly()))
                    .add("EventTime", BigDecimal.valueOf(record.time()).movePointLeft(3))
                    .add("EventSource", record.eventSource());
            if (record.accessKeyId() != null) {
                event.add("AccessKeyId", record.accessKeyId());
            }
            if (record.userName() != null) {
                event.add("Username", record.userName());
            }
            JsonArrayBuilder resources = JSON.createArrayBuilder();
            if (record.resourceType() != null) {
                resources.add(JSON.createObjectBuilder().add("ResourceType", record.resourceType())
                        .add("ResourceName", record.resourceName()));
            }
            events.add(event.add("Resources", resources).add("CloudTrailEvent", record.json()));
        }
        JsonObjectBuilder output = JSON.createObjectBuilder().add("Events", events);
        if (found.size() > max) {
            AuditQueries.Found last = found.get(max - 1);
            output.add("NextToken", secrets.encrypt(scope + "\n" + last.id()));
        }
        return output;
    }

    /** Where the previous page ended; only a token this lookup (same account, attribute and range) issued. */
    private AuditQueries.Position position(String token, String scope) {
        if (token == null) {
            return null;
        }
        try {
            String plain = secrets.decrypt(token);
            if (plain.startsWith(scope + "\n")) {
                return new AuditQueries.Position(Long.parseLong(plain.substring(scope.length() + 1)));
            }
        } catch (RuntimeException notOurs) {
            // answered below
        }
        throw new CloudTrailException("InvalidNextTokenException", "The NextToken is not one this lookup issued"
                + " (a token is used with the same lookup attribute and times as the call that returned it).");
    }

    /** A JSON 1.1 timestamp: epoch seconds (maybe with a fraction), or ISO 8601 text. */
    private static long time(JsonValue value, String member) {
        if (value instanceof JsonNumber number) {
            return number.bigDecimalValue().movePointRight(3).longValue();
        }
        try {
            return Instant.parse(((JsonString) value).getString()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CloudTrailException("InvalidTimeRangeException", member + " is not a time: "
                    + ((JsonString) value).getString());
        }
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(body))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new CloudTrailException("SerializationException", "the request body is not a JSON object");
        }
    }

    private static Response refuse(AuditEntry audit, String type, String message) {
        audit.error(type, message);
        return Response.status(400).type(CONTENT_TYPE).entity(error(type, message)).build();
    }

    private static String error(String type, String message) {
        return JSON.createObjectBuilder().add("__type", type).add("message", message).build().toString();
    }
}
