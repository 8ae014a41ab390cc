package io.berth.platform;

import jakarta.annotation.PostConstruct;
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
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Four times a second, on every instance: what other instances changed ({@link CacheScopes#poll()}). */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class CacheScopeWatch {

    static final long INTERVAL_MILLIS = 250;
    private static final Logger LOG = Logger.getLogger(CacheScopeWatch.class.getName());

    @Resource
    TimerService timers;

    @Inject
    CacheScopes scopes;

    @PostConstruct
    void schedule() {
        timers.createIntervalTimer(INTERVAL_MILLIS, INTERVAL_MILLIS, new TimerConfig("cache-scopes", false));
    }

    private final AtomicBoolean running = new AtomicBoolean();

    @Timeout
    void tick() {
        if (!running.compareAndSet(false, true)) {
            return; // the previous tick still works
        }
        try {
            scopes.poll();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reading the changed cache scopes failed; retrying", e);
        } finally {
            running.set(false);
        }
    }
}
