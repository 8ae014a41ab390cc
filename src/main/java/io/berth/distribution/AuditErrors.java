package io.berth.distribution;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.io.StringReader;

/** Gives the audit record of a refused {@code /v2} call the OCI error's code and message. */
@Provider
public class AuditErrors implements ContainerResponseFilter {

    @Context
    HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext requestContext, ContainerResponseContext response) {
        if (response.getStatus() < 400 || !(response.getEntity() instanceof String body)
                || !body.startsWith("{\"errors\"")) {
            return;
        }
        try (JsonReader reader = JSON.createReader(new StringReader(body))) {
            JsonObject error = reader.readObject().getJsonArray("errors").getJsonObject(0);
            AuditEntry.of(request).error(error.getString("code", null), error.getString("message", null));
        } catch (JsonException | ClassCastException | IndexOutOfBoundsException notAnError) {
            // Not an OCI error body: the status alone is recorded.
        }
    }
}
