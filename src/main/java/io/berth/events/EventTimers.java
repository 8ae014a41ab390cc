package io.berth.events;

import io.berth.platform.RegistryMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Twice a second: writes the events waiting in memory ({@link PendingEvents}) to the outbox, then delivers the
 * outbox. Non-persistent timers, one per instance (see {@code HousekeepingTimers}); the outbox lease lets one instance
 * deliver.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// No transaction around a tick: each step runs in transactions of its own, so that one failing rolls back no other.
@TransactionManagement(TransactionManagementType.BEAN)
public class EventTimers {

    static final long INTERVAL_MILLIS = 500;
    private static final int FLUSH_BATCH = 1000;
    private static final Logger LOG = Logger.getLogger(EventTimers.class.getName());

    @Resource
    TimerService timers;

    @Inject
    @Any
    Instance<PendingEvents> pending;

    @Inject
    Outbox outbox;

    @Inject
    OutboxDispatcher dispatcher;

    private final AtomicBoolean running = new AtomicBoolean();

    @Inject
    RegistryMetrics metrics;

    @PostConstruct
    void schedule() {
        metrics.gauge("berth_outbox_lag", RegistryMetrics.MILLISECONDS, "how long the oldest undelivered event has"
                + " waited", dispatcher::lag);
        timers.createIntervalTimer(INTERVAL_MILLIS, INTERVAL_MILLIS, new TimerConfig("events", false));
    }

    @Timeout
    void tick() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous tick still works
        }
        try {
            flushReads();
            dispatcher.dispatch();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event delivery failed; retrying on the next tick", e);
        } finally {
            running.set(false);
        }
    }

    /** A stopping server writes what it still holds. */
    @PreDestroy
    void stop() {
        flushReads();
    }

    private void flushReads() {
        for (PendingEvents events : pending) {
            for (List<DomainEvent> batch = events.take(FLUSH_BATCH); !batch.isEmpty();
                    batch = events.take(FLUSH_BATCH)) {
                try {
                    outbox.appendAll(batch);
                } catch (RuntimeException e) {
                    events.restore(batch);
                    throw e;
                }
            }
        }
    }
}
