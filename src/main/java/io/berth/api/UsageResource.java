package io.berth.api;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.audit.Usage;
import io.berth.security.Caller;
import io.berth.security.SecuritySettings;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Usage figures: {@code GET /berth/usage?from=2026-12-01&to=2026-12-02} (UTC days, both included; default today) for
 * the caller's account, as JSON, or as CSV with {@code format=csv}. An account's administrators read its figures; the
 * bootstrap account's administrators any account's, with {@code account=}.
 */
@Path("berth/usage")
public class UsageResource {


    @Inject
    Usage usage;

    @Inject
    SecuritySettings settings;

    @Context
    HttpServletRequest request;

    @GET
    public Response report(@QueryParam("from") String from, @QueryParam("to") String to,
                           @QueryParam("account") String account, @QueryParam("format") String format) {
        AuditEntry.of(request).call(AuditEntry.BERTH, "GetUsage");
        if (!(request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller)) {
            return Operators.error(401, "UNAUTHORIZED", "authentication required");
        }
        String accountId = account == null || account.isBlank() ? caller.accountId() : account;
        boolean operator = settings.operator(caller);
        if (!caller.administrator() || !accountId.equals(caller.accountId()) && !operator) {
            return Operators.error(403, "DENIED", "only an account's administrators read its usage");
        }
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first;
        LocalDate last;
        try {
            first = from == null || from.isBlank() ? today : LocalDate.parse(from);
            last = to == null || to.isBlank() ? today : LocalDate.parse(to);
        } catch (DateTimeParseException e) {
            return invalid();
        }
        if (first.isAfter(last) || first.plusDays(Usage.MAX_DAYS).isBefore(last)) {
            return invalid();
        }
        List<Usage.Figures> figures = usage.report(accountId, first, last);
        if ("csv".equals(format)) {
            return Response.ok(Usage.csv(figures), "text/csv").build();
        }
        JsonArrayBuilder rows = JSON.createArrayBuilder();
        for (Usage.Figures f : figures) {
            rows.add(JSON.createObjectBuilder().add("day", f.day().toString())
                    .add("repositoryName", f.repository().isEmpty() ? "*" : f.repository())
                    .add("storedBytes", f.storedBytes()).add("pushes", f.pushes()).add("bytesPushed", f.bytesPushed())
                    .add("pulls", f.pulls()).add("bytesPulled", f.bytesPulled()).add("apiCalls", f.apiCalls()));
        }
        return Response.ok(JSON.createObjectBuilder().add("accountId", accountId).add("from", first.toString())
                .add("to", last.toString()).add("usage", rows).build().toString(), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    private static Response invalid() {
        return Operators.error(400, "INVALID_PARAMETER", "from and to are days (2026-12-01), from not after to, at"
                + " most " + Usage.MAX_DAYS + " days apart");
    }
}
