package io.berth.registry;

import io.berth.storage.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Online garbage collection: deletes the blobs that no image of any repository references and no push has used
 * within the grace period, and the uploads abandoned for longer than their expiry, while pushes and pulls go on.
 * Why a blob a push uses is never deleted is argued in {@link Blobs}; the steps are in {@link CollectionSteps}.
 *
 * <p>A run first claims the files that no row names (left by an upload that crashed before its row committed),
 * then finishes the deletions those and a crashed run left (rows still DELETING), removes abandoned uploads, and
 * claims and deletes unreferenced blobs a page at a time. Its progress is saved after every page, so that any
 * instance can report it.
 */
@ApplicationScoped
public class BlobCollector {

    static final int PAGE = 500;
    private static final Logger LOG = Logger.getLogger(BlobCollector.class.getName());

    @Inject
    CollectionSteps steps;

    @Inject
    BlobStore store;

    /**
     * Runs one collection. {@code stillOwner} is asked after every page (and renews the caller's lease); when it
     * answers false the run stops, FAILED, and whatever it claimed is finished by the next run.
     */
    public CollectionReport collect(Duration grace, Duration uploadExpiry, String owner, BooleanSupplier stillOwner) {
        long started = System.currentTimeMillis();
        CollectionReport report = steps.start(owner, started);
        try {
            report = run(report, started - grace.toMillis(), started - uploadExpiry.toMillis(), stillOwner);
            report = report.ended(CollectionReport.COMPLETE, System.currentTimeMillis(), null);
        } catch (LeaseLost e) {
            report = report.ended(CollectionReport.FAILED, System.currentTimeMillis(),
                    "stopped: another instance holds the collection lease");
        } catch (RuntimeException e) {
            LOG.warning(() -> "garbage collection failed: " + e);
            report = report.ended(CollectionReport.FAILED, System.currentTimeMillis(),
                    "failed: " + e.getClass().getSimpleName() + "; the next run resumes");
        }
        steps.save(report);
        CollectionReport done = report;
        LOG.info(() -> "garbage collection " + done.id() + " " + done.state() + ": " + done.blobsDeleted()
                + " of " + done.blobsStored() + " blobs deleted (" + done.bytesDeleted() + " bytes), "
                + done.uploadsDeleted() + " abandoned uploads, " + (done.finishedAt() - done.startedAt()) + " ms");
        return report;
    }

    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    private CollectionReport run(CollectionReport report, long blobCutoff, long uploadCutoff,
                                 BooleanSupplier stillOwner) {
        long unreferenced = 0;
        long deleted = 0;
        long bytes = 0;
        long uploads = 0;

        report = report.progressed("orphans", unreferenced, deleted, bytes, uploads);
        steps.save(report);
        claimOrphans();

        // What a crashed or stopped run claimed and did not finish, and the orphans.
        report = report.progressed("resuming", unreferenced, deleted, bytes, uploads);
        steps.save(report);
        String after = "";
        for (List<String> page; !(page = steps.page(Blob.DELETING, after, PAGE)).isEmpty(); ) {
            after = page.get(page.size() - 1);
            for (CollectionSteps.Claimed blob : steps.sweep(page)) {
                deleted++;
                bytes += blob.size();
            }
            report = checkpoint(report.progressed("resuming", unreferenced, deleted, bytes, uploads), stillOwner);
        }

        report = report.progressed("uploads", unreferenced, deleted, bytes, uploads);
        for (List<String> page; !(page = steps.abandonedUploads(uploadCutoff, PAGE)).isEmpty(); ) {
            for (String upload : page) {
                steps.deleteUpload(upload);
                uploads++;
            }
            report = checkpoint(report.progressed("uploads", unreferenced, deleted, bytes, uploads), stillOwner);
        }

        after = "";
        for (List<String> page; !(page = steps.page(Blob.LIVE, after, PAGE)).isEmpty(); ) {
            after = page.get(page.size() - 1);
            unreferenced += page.size();
            List<CollectionSteps.Claimed> claimed = steps.claim(page, blobCutoff);
            for (CollectionSteps.Claimed blob : steps.sweep(claimed.stream().map(CollectionSteps.Claimed::digest)
                    .toList())) {
                deleted++;
                bytes += blob.size();
            }
            report = checkpoint(report.progressed("collecting", unreferenced, deleted, bytes, uploads), stillOwner);
        }
        return report.progressed("done", unreferenced, deleted, bytes, uploads);
    }

    private void claimOrphans() {
        try (Stream<BlobStore.StoredBlob> files = store.list()) {
            Map<String, Long> page = new HashMap<>();
            for (Iterator<BlobStore.StoredBlob> it = files.iterator(); it.hasNext(); ) {
                BlobStore.StoredBlob file = it.next();
                page.put(file.digest().toString(), file.size());
                if (page.size() == PAGE || !it.hasNext()) {
                    for (String orphan : steps.withoutRows(new ArrayList<>(page.keySet()))) {
                        try {
                            steps.claimOrphan(orphan, page.get(orphan));
                        } catch (RuntimeException uploadedMeanwhile) {
                            // its row is being inserted by an upload: not an orphan
                        }
                    }
                    page.clear();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CollectionReport checkpoint(CollectionReport report, BooleanSupplier stillOwner) {
        steps.save(report);
        if (!stillOwner.getAsBoolean()) {
            throw new LeaseLost();
        }
        return report;
    }

    /** The latest runs, newest first (a running one included). */
    public List<CollectionReport> latest(int limit) {
        return steps.latest(limit);
    }

    public Optional<CollectionReport> last() {
        return latest(1).stream().findFirst();
    }
}
