package io.berth.api;

import static io.berth.platform.Jsonp.JSON;

import io.berth.security.Caller;
import io.berth.security.SecuritySettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Who may use the registry's own administration ({@code /berth/…}): the administrators of the bootstrap account, the
 * operators of the whole registry. Refusals in the OCI error format, as on {@code /v2}.
 */
final class Operators {

    private Operators() {
    }

    /** The refusal for a caller who is not an operator, or null for one who is. */
    static Response refusal(HttpServletRequest request, SecuritySettings settings, String what) {
        if (!(request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller)) {
            return error(401, "UNAUTHORIZED", "authentication required");
        }
        if (!settings.operator(caller)) {
            return error(403, "DENIED", "only administrators of account " + settings.bootstrapAccount() + " " + what);
        }
        return null;
    }

    static Response error(int status, String code, String message) {
        String body = JSON.createObjectBuilder().add("errors", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                .add("code", code).add("message", message))).build().toString();
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
        return status == 401 ? response.header("WWW-Authenticate", "Basic realm=\"Berth\"").build() : response.build();
    }
}
