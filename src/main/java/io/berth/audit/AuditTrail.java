package io.berth.audit;

import io.berth.platform.RegistryMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes the audit trail: records wait in memory and are written in batches at least once a second ({@link
 * AuditTimers}), so that no request waits for an audit write. A crash loses at most the last second's records; a
 * stopping server writes what it holds. Each record's hash covers the previous record's hash and its own JSON.
 */
@ApplicationScoped
public class AuditTrail {

    static final int CAPACITY = 100_000;
    static final int BATCH = 1000;

    @Inject
    AuditWriter writer;

    @Inject
    @ConfigProperty(name = "berth.region", defaultValue = "us-east-1")
    String region;

    @Inject
    RegistryMetrics metrics;

    /** BERTH_AUDIT=false records no call (for measuring what the audit trail costs; usage then counts no calls). */
    @Inject
    @ConfigProperty(name = "berth.audit", defaultValue = "true")
    boolean enabled;

    /** Finished calls; their records (JSON, ids) are built by the flush, off the request threads. */
    private final ConcurrentLinkedQueue<AuditEntry> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * Records a request that has ended, if a boundary named its call, once: the listener does at the request's end,
     * the authentication mechanism for a request it refuses (Undertow calls no request listener for those).
     */
    public void finish(AuditEntry entry) {
        if (!entry.named() || entry.finished) {
            return;
        }
        entry.finished = true;
        if (enabled) {
            record(entry);
        }
        metrics.request(entry.name, entry.status);
    }

    /** Queues the record of a finished call. */
    void record(AuditEntry entry) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.incrementAndGet();
        } else {
            waiting.add(entry);
        }
    }

    /** Records dropped since the start because the database could not keep up. */
    public long dropped() {
        return dropped.get();
    }

    /** Records waiting to be written. */
    public int waiting() {
        return size.get();
    }

    /** Writes what waits, a batch per transaction; returns how many were written. */
    public int flush() {
        int written = 0;
        for (List<AuditEntry> batch = take(); !batch.isEmpty(); batch = take()) {
            try {
                writer.write(batch.stream().map(entry -> AuditRecord.of(entry, region)).toList());
            } catch (RuntimeException e) {
                // Kept for the next flush (the database may be back by then), as long as there is room.
                batch.forEach(this::record);
                throw e;
            }
            written += batch.size();
        }
        return written;
    }

    private List<AuditEntry> take() {
        List<AuditEntry> batch = new ArrayList<>();
        for (AuditEntry entry; batch.size() < BATCH && (entry = waiting.poll()) != null; ) {
            size.decrementAndGet();
            batch.add(entry);
        }
        return batch;
    }
}
