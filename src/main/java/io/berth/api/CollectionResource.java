package io.berth.api;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.lifecycle.Housekeeping;
import io.berth.registry.CollectionReport;
import io.berth.security.SecuritySettings;
import jakarta.inject.Inject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Garbage collection on demand, for the registry's administrators (of the bootstrap account, since collection
 * spans every account): {@code POST /berth/gc} starts a run in the background, {@code GET /berth/gc} reports the
 * latest one, while it runs and after. HTTP Basic, as on {@code /v2}.
 */
@Path("berth/gc")
public class CollectionResource {

    @Inject
    Housekeeping housekeeping;

    @Inject
    SecuritySettings settings;

    @Context
    HttpServletRequest request;

    @POST
    public Response start() {
        AuditEntry.of(request).call(AuditEntry.BERTH, "StartCollection");
        Response refusal = Operators.refusal(request, settings, "collect garbage");
        if (refusal != null) {
            return refusal;
        }
        Housekeeping.Start start = housekeeping.startCollection();
        if (start == Housekeeping.Start.RUNNING_HERE) {
            return Operators.error(409, "COLLECTION_RUNNING", "a garbage collection is running on this instance already");
        }
        if (start == Housekeeping.Start.LEASED_ELSEWHERE) {
            return Operators.error(409, "COLLECTION_LEASED", "another instance holds the collection lease: it is collecting,"
                    + " or stopped less than " + Housekeeping.LEASE.toSeconds() + " s ago");
        }
        return Response.accepted(report(housekeeping.lastCollection()).build().toString())
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    public Response latest() {
        AuditEntry.of(request).call(AuditEntry.BERTH, "GetCollectionReport");
        Response refusal = Operators.refusal(request, settings, "collect garbage");
        if (refusal != null) {
            return refusal;
        }
        Optional<CollectionReport> last = housekeeping.lastCollection();
        if (last.isEmpty()) {
            return Operators.error(404, "COLLECTION_UNKNOWN", "no garbage collection has run yet");
        }
        return Response.ok(report(last).build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The report as JSON; a POST answers the run before it (or none) when the new one has not saved a row yet. */
    private static JsonObjectBuilder report(Optional<CollectionReport> last) {
        JsonObjectBuilder json = JSON.createObjectBuilder();
        last.ifPresent(r -> {
            json.add("id", r.id()).add("state", r.state()).add("phase", r.phase()).add("startedAt", r.startedAt())
                    .add("blobsStored", r.blobsStored()).add("blobsUnreferenced", r.blobsUnreferenced())
                    .add("blobsDeleted", r.blobsDeleted()).add("bytesDeleted", r.bytesDeleted())
                    .add("uploadsDeleted", r.uploadsDeleted());
            if (r.finishedAt() != null) {
                json.add("finishedAt", r.finishedAt()).add("millis", r.finishedAt() - r.startedAt());
            }
            if (r.message() != null) {
                json.add("message", r.message());
            }
        });
        return json;
    }
}
