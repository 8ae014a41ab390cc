package io.berth.api;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.audit.Redaction;
import io.berth.security.Caller;
import io.berth.webhooks.Webhooks;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.util.Set;

/**
 * Webhook targets for an account's administrators: {@code POST /berth/webhooks} with {@code url}, {@code eventPattern}
 * (an EventBridge pattern) and {@code secret}; {@code GET} lists them; {@code DELETE /berth/webhooks/<id>} removes one;
 * {@code GET /berth/webhooks/<id>/deliveries?state=PENDING|DELIVERED|DEAD} shows the attempts. Refusals name the
 * member that is wrong, in the OCI error format of {@code /berth}.
 */
@Path("berth/webhooks")
public class WebhookResource {

    private static final Set<String> STATES = Set.of("PENDING", "DELIVERED", "DEAD");

    @Inject
    Webhooks webhooks;

    @Context
    HttpServletRequest request;

    @POST
    public Response register(String body) {
        AuditEntry audit = AuditEntry.of(request).call(AuditEntry.BERTH, "CreateWebhook");
        Caller caller = administrator();
        if (caller == null) {
            return refusal();
        }
        JsonObject input;
        try (JsonReader reader = JSON.createReader(new StringReader(body == null ? "" : body))) {
            input = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return Operators.error(400, "INVALID_PARAMETER", "the body is a JSON object with url, eventPattern and"
                    + " secret");
        }
        audit.parameters(Redaction.of(input));
        JsonValue pattern = input.get("eventPattern");
        try {
            Webhooks.Target target = webhooks.register(caller.accountId(), string(input, "url"),
                    pattern instanceof JsonString text ? text.getString() : pattern == null ? null
                            : pattern.toString(), string(input, "secret"), self(), caller.getName());
            return Response.status(201).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(json(target).build().toString()).build();
        } catch (IllegalArgumentException invalid) {
            String message = invalid.getMessage();
            return Operators.error(400, "INVALID_PARAMETER", message.startsWith("url") || message.startsWith("secret")
                    || message.startsWith("an account") ? message : "eventPattern: " + message);
        }
    }

    @GET
    public Response list() {
        AuditEntry.of(request).call(AuditEntry.BERTH, "ListWebhooks");
        Caller caller = administrator();
        if (caller == null) {
            return refusal();
        }
        JsonArrayBuilder list = JSON.createArrayBuilder();
        webhooks.list(caller.accountId()).forEach(target -> list.add(json(target)));
        return Response.ok(JSON.createObjectBuilder().add("webhooks", list).build().toString(),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        AuditEntry.of(request).call(AuditEntry.BERTH, "DeleteWebhook");
        Caller caller = administrator();
        if (caller == null) {
            return refusal();
        }
        return webhooks.delete(caller.accountId(), id) ? Response.noContent().build() : unknown(id);
    }

    @GET
    @Path("{id}/deliveries")
    public Response deliveries(@PathParam("id") String id, @QueryParam("state") String state) {
        AuditEntry.of(request).call(AuditEntry.BERTH, "ListWebhookDeliveries");
        Caller caller = administrator();
        if (caller == null) {
            return refusal();
        }
        if (webhooks.find(caller.accountId(), id).isEmpty()) {
            return unknown(id);
        }
        if (state != null && !STATES.contains(state)) {
            return Operators.error(400, "INVALID_PARAMETER", "state: PENDING, DELIVERED or DEAD");
        }
        JsonArrayBuilder list = JSON.createArrayBuilder();
        for (Webhooks.Delivery d : webhooks.deliveries(id, state)) {
            JsonObjectBuilder delivery = JSON.createObjectBuilder().add("id", d.id())
                    .add("eventSequence", d.eventSequence()).add("state", d.state()).add("attempts", d.attempts())
                    .add("createdAt", d.createdAt());
            if (d.state().equals("PENDING")) {
                delivery.add("nextAttemptAt", d.nextAttemptAt());
            }
            if (d.lastStatus() != null) {
                delivery.add("lastStatus", d.lastStatus());
            }
            if (d.lastError() != null) {
                delivery.add("lastError", d.lastError());
            }
            if (d.deliveredAt() != null) {
                delivery.add("deliveredAt", d.deliveredAt());
            }
            try (JsonReader reader = JSON.createReader(new StringReader(d.payload()))) {
                list.add(delivery.add("event", reader.readObject()));
            }
        }
        return Response.ok(JSON.createObjectBuilder().add("deliveries", list).build().toString(),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Caller administrator() {
        return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller && caller.administrator()
                ? caller : null;
    }

    private Response refusal() {
        return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller
                ? Operators.error(403, "DENIED", "only an account's administrators manage its webhooks")
                : Operators.error(401, "UNAUTHORIZED", "authentication required");
    }

    private static Response unknown(String id) {
        return Operators.error(404, "WEBHOOK_UNKNOWN", "no webhook " + id + " in this account");
    }

    /** The registry's own address as this request reached it: a webhook may not call it. */
    private URI self() {
        String host = request.getHeader("Host");
        return URI.create(request.getScheme() + "://" + (host != null ? host : request.getServerName() + ":"
                + request.getServerPort()));
    }

    private static String string(JsonObject input, String member) {
        return input.get(member) instanceof JsonString text ? text.getString() : null;
    }

    private static JsonObjectBuilder json(Webhooks.Target target) {
        JsonObject pattern;
        try (JsonReader reader = JSON.createReader(new StringReader(target.pattern()))) {
            pattern = reader.readObject();
        }
        return JSON.createObjectBuilder().add("id", target.id()).add("url", target.url())
                .add("eventPattern", pattern).add("createdAt", target.createdAt())
                .add("createdBy", target.createdBy());
    }
}
