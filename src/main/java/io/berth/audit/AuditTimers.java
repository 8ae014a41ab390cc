package io.berth.audit;

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
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes waiting audit records twice a second, measures stored bytes hourly, and once a day removes records past
 * their retention.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
// No transaction around a tick: each step runs in transactions of its own, so that one failing rolls back no other.
@TransactionManagement(TransactionManagementType.BEAN)
public class AuditTimers {

    private static final String FLUSH = "audit-flush";
    private static final String PRUNE = "audit-prune";
    private static final String SNAPSHOT = "usage-snapshot";
    private static final long FLUSH_MILLIS = 500;
    private static final long PRUNE_MILLIS = 24L * 3600 * 1000;
    private static final Logger LOG = Logger.getLogger(AuditTimers.class.getName());

    @Resource
    TimerService timers;

    @Inject
    AuditTrail trail;

    @Inject
    AuditQueries queries;

    @Inject
    UsageSnapshots snapshots;

    private final AtomicBoolean flushing = new AtomicBoolean();

    @Inject
    RegistryMetrics metrics;

    @PostConstruct
    void schedule() {
        metrics.gauge("berth_audit_waiting_records", RegistryMetrics.NO_UNIT, "audit records not yet written (written"
                + " twice a second)", trail::waiting);
        metrics.gauge("berth_audit_dropped_records", RegistryMetrics.NO_UNIT, "audit records dropped since the start"
                + " because too many waited (the database could not keep up)", trail::dropped);
        timers.createIntervalTimer(FLUSH_MILLIS, FLUSH_MILLIS, new TimerConfig(FLUSH, false));
        timers.createIntervalTimer(60_000, PRUNE_MILLIS, new TimerConfig(PRUNE, false));
        timers.createIntervalTimer(120_000, 3600_000, new TimerConfig(SNAPSHOT, false));
    }

    @Timeout
    void fire(Timer timer) {
        if (SNAPSHOT.equals(timer.getInfo())) {
            try {
                snapshots.take();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "measuring stored bytes failed; retrying in an hour", e);
            }
            return;
        }
        if (PRUNE.equals(timer.getInfo())) {
            long pruned = queries.prune(System.currentTimeMillis());
            if (pruned > 0) {
                LOG.info(() -> "removed " + pruned + " audit records past their retention");
            }
            return;
        }
        flush();
    }

    /** A stopping server writes what it still holds. */
    @PreDestroy
    void stop() {
        flush();
    }

    private void flush() {
        if (!flushing.compareAndSet(false, true)) {
            return;
        }
        try {
            trail.flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "writing the audit trail failed; retrying", e);
        } finally {
            flushing.set(false);
        }
    }
}
