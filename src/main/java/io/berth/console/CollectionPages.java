package io.berth.console;

import io.berth.audit.AuditEntry;
import io.berth.lifecycle.Housekeeping;
import io.berth.registry.CollectionReport;
import io.berth.security.SecuritySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Map;

/**
 * Garbage collection: the latest runs' reports, and a run started now. For the registry's operators, as
 * {@code /berth/gc}: collection spans every account's blobs.
 */
@ApplicationScoped
public class CollectionPages implements ConsoleArea {

    static final String PATH = "/collection";
    private static final int REPORTS = 20;
    private static final String SECTION = "collection";

    @Inject
    Housekeeping housekeeping;

    @Inject
    SecuritySettings settings;

    @Override
    public boolean serves(String path) {
        return path.equals(PATH);
    }

    @Override
    public void get(ConsolePage page) throws IOException {
        if (!operator(page)) {
            return;
        }
        Map<String, Object> model = page.model(SECTION);
        model.put("reports", housekeeping.recentCollections(REPORTS).stream().map(ReportRow::of).toList());
        page.render(200, "collection", model);
    }

    /** Starts a collection in the background, recorded as StartCollection. */
    @Override
    public void post(ConsolePage page) throws IOException {
        page.audit().call(AuditEntry.BERTH, "StartCollection");
        if (!operator(page)) {
            page.audit().error("DENIED", "not an operator");
            return;
        }
        String note = switch (housekeeping.startCollection()) {
            case STARTED -> "Collection started: reload to follow it.";
            case RUNNING_HERE -> "A collection is running on this instance already.";
            case LEASED_ELSEWHERE -> "Another instance holds the collection lease: it is collecting, or stopped less"
                    + " than " + Housekeeping.LEASE.toSeconds() + " s ago.";
        };
        page.redirect(PATH, note);
    }

    private boolean operator(ConsolePage page) throws IOException {
        if (settings.operator(page.caller())) {
            return true;
        }
        page.refused(SECTION, "Only administrators of account " + settings.bootstrapAccount()
                + " collect garbage: it spans every account's blobs.");
        return false;
    }

    /** One run as the page lists it. */
    public record ReportRow(String state, String phase, String started, String took, long blobsStored,
                            long blobsUnreferenced, long blobsDeleted, String freed, long uploadsDeleted,
                            String message) {
        static ReportRow of(CollectionReport r) {
            return new ReportRow(r.state(), r.phase(), Format.time(r.startedAt()), r.finishedAt() == null ? ""
                    : String.format(java.util.Locale.ROOT, "%.1f s", (r.finishedAt() - r.startedAt()) / 1000.0),
                    r.blobsStored(), r.blobsUnreferenced(), r.blobsDeleted(), Format.bytes(r.bytesDeleted()),
                    r.uploadsDeleted(), r.message() == null ? "" : r.message());
        }
    }
}
