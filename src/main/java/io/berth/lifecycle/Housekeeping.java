package io.berth.lifecycle;

import io.berth.platform.Leases;
import io.berth.platform.RegistryMetrics;
import io.berth.registry.BlobCollector;
import io.berth.registry.CollectionReport;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The registry's background jobs, lifecycle runs and garbage collection: each runs on one instance at a time (a
 * lease in the database, renewed while it works) and once at a time on this instance.
 */
@ApplicationScoped
public class Housekeeping {

    static final String LIFECYCLE = "lifecycle";
    static final String COLLECTION = "collection";
    /** A lease lasts this long unless renewed: an instance that stops is replaced within it. */
    public static final Duration LEASE = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    @Inject
    Leases leases;

    @Inject
    LifecycleRuns lifecycle;

    @Inject
    BlobCollector collector;

    @Inject
    HousekeepingSettings settings;

    @Resource
    ManagedExecutorService executor;

    @Inject
    RegistryMetrics metrics;

    private final AtomicBoolean lifecycleRunning = new AtomicBoolean();
    private final AtomicBoolean collectionRunning = new AtomicBoolean();

    /** Applies every lifecycle policy, unless another instance or run is doing it. */
    public void runLifecycle() {
        runExclusively(LIFECYCLE, lifecycleRunning,
                () -> lifecycle.applyAll(() -> leases.acquire(LIFECYCLE, LEASE)));
    }

    /** Collects garbage now, unless another instance or run is doing it: false when it did not run. */
    public boolean runCollection() {
        boolean ran = runExclusively(COLLECTION, collectionRunning, () -> collector.collect(settings.grace(),
                settings.uploadExpiry(), leases.owner(), () -> leases.acquire(COLLECTION, LEASE)));
        if (ran) {
            metrics.collectionRun();
        }
        return ran;
    }

    /** What became of an administrator's request for a collection. */
    public enum Start { STARTED, RUNNING_HERE, LEASED_ELSEWHERE }

    /**
     * Starts a collection in the background for an administrator, unless one runs on this instance already or
     * another instance holds the lease (it is collecting, or stopped less than a lease period ago).
     */
    public Start startCollection() {
        if (collectionRunning.get()) {
            return Start.RUNNING_HERE;
        }
        if (!leases.acquire(COLLECTION, LEASE)) {
            return Start.LEASED_ELSEWHERE;
        }
        executor.submit(this::runCollection);
        return Start.STARTED;
    }

    public Optional<CollectionReport> lastCollection() {
        return collector.last();
    }

    /** The latest collections, newest first (a running one included). */
    public List<CollectionReport> recentCollections(int limit) {
        return collector.latest(limit);
    }

    private boolean runExclusively(String lease, AtomicBoolean running, Runnable job) {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (!leases.acquire(lease, LEASE)) {
                return false;
            }
            try {
                job.run();
            } finally {
                leases.release(lease);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, lease + " job failed", e);
            return false;
        } finally {
            running.set(false);
        }
    }
}
