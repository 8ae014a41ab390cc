package io.berth.api;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.audit.AuditQueries;
import io.berth.security.SecuritySettings;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The audit trail for operators: {@code GET /berth/audit/verify?from=…&to=…} checks the hash chain over a time range
 * and names the first record that does not match; {@code GET /berth/audit/export?from=…&to=…} streams the records as
 * JSON Lines. Times are ISO 8601 ({@code 2026-12-02T07:00:00Z}); without them, everything.
 */
@Path("berth/audit")
public class AuditResource {

    @Inject
    AuditQueries queries;

    @Inject
    SecuritySettings settings;

    @Context
    HttpServletRequest request;

    @GET
    @Path("verify")
    public Response verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        return forOperators("VerifyAuditTrail", "verify the audit trail", from, to, range -> {
            AuditQueries.Verification result = queries.verify(range[0], range[1]);
            JsonObjectBuilder body = JSON.createObjectBuilder().add("valid", result.valid())
                    .add("recordsChecked", result.checked());
            if (!result.valid()) {
                body.add("firstMismatch", result.firstMismatch()).add("reason", result.reason());
            }
            return Response.ok(body.build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    @GET
    @Path("export")
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to) {
        return forOperators("ExportAuditTrail", "export the audit trail", from, to, range -> {
            StreamingOutput lines = out -> queries.export(range[0], range[1],
                    new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)));
            return Response.ok(lines, "application/x-ndjson").build();
        });
    }

    /** Names the call, lets operators only through, reads the time range, then answers. */
    private Response forOperators(String eventName, String what, String from, String to,
                                  Function<long[], Response> answer) {
        AuditEntry.of(request).call(AuditEntry.BERTH, eventName);
        Response refusal = Operators.refusal(request, settings, what);
        if (refusal != null) {
            return refusal;
        }
        long[] range = range(from, to);
        return range == null ? badRange() : answer.apply(range);
    }

    /** The range in epoch millis, both ends included; null when a time does not parse or the range is reversed. */
    private static long[] range(String from, String to) {
        try {
            long start = from == null || from.isBlank() ? 0 : Instant.parse(from).toEpochMilli();
            long end = to == null || to.isBlank() ? Long.MAX_VALUE : Instant.parse(to).toEpochMilli();
            return start <= end ? new long[] {start, end} : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Response badRange() {
        return Operators.error(400, "INVALID_PARAMETER", "from and to are ISO 8601 times (2026-12-02T07:00:00Z),"
                + " from not after to");
    }
}
