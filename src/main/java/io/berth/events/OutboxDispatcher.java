package io.berth.events;

import io.berth.platform.Leases;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the outbox to observers, at least once and in commit order for each repository. One instance delivers at a
 * time (the {@code outbox} lease), so that order holds across instances; if it stops, another takes the lease over
 * within its term and goes on from the first event not yet delivered.
 */
@ApplicationScoped
public class OutboxDispatcher {

    static final String LEASE = "outbox";
    static final int BATCH = 200;
    private static final Duration LEASE_TERM = Duration.ofSeconds(10);
    /** One round delivers for at most this long, then lets the timer run the read-event flush again. */
    private static final long ROUND_MILLIS = 5_000;
    private static final Logger LOG = Logger.getLogger(OutboxDispatcher.class.getName());

    @Inject
    Leases leases;

    @Inject
    OutboxDeliveries deliveries;

    /** Delivers what waits; returns how many events were delivered. */
    public int dispatch() {
        if (!leases.acquire(LEASE, LEASE_TERM)) {
            return 0;
        }
        long started = System.currentTimeMillis();
        int delivered = 0;
        List<Long> ids;
        do {
            ids = deliveries.next(BATCH);
            if (ids.isEmpty()) {
                break;
            }
            try {
                deliveries.deliver(ids);
                delivered += ids.size();
            } catch (RuntimeException batchFailed) {
                // Find the event that fails, one at a time and in order; stop there so that order holds.
                for (long id : ids) {
                    try {
                        deliveries.deliver(List.of(id));
                        delivered++;
                    } catch (RuntimeException e) {
                        int attempts = deliveries.failed(id, e);
                        Level level = attempts >= OutboxDeliveries.MAX_ATTEMPTS ? Level.SEVERE : Level.WARNING;
                        LOG.log(level, e, () -> "delivering outbox event " + id + " failed (attempt " + attempts
                                + (attempts >= OutboxDeliveries.MAX_ATTEMPTS ? "; set aside" : "") + ")");
                        return delivered;
                    }
                }
            }
        } while (ids.size() == BATCH && System.currentTimeMillis() - started < ROUND_MILLIS);
        return delivered;
    }

    /** How far delivery lags behind, in milliseconds. */
    public long lag() {
        return deliveries.lag(System.currentTimeMillis());
    }
}
