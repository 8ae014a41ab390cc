package io.berth.lifecycle;

import jakarta.annotation.PostConstruct;
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
import jakarta.inject.Inject;

/**
 * EJB timers that start the background jobs on every instance; the jobs' leases let one instance do the work.
 * Non-persistent: persistent timers do not survive an instance's failure in Payara Micro, and each instance makes
 * its own at start-up anyway.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration") // the jobs need the schema
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // a long run must not hold the other timer up
public class HousekeepingTimers {

    @Resource
    TimerService timers;

    @Inject
    HousekeepingSettings settings;

    @Inject
    Housekeeping housekeeping;

    @PostConstruct
    void schedule() {
        long lifecycle = settings.lifecycleInterval().toMillis();
        long collection = settings.collectionInterval().toMillis();
        timers.createIntervalTimer(lifecycle, lifecycle, new TimerConfig(Housekeeping.LIFECYCLE, false));
        timers.createIntervalTimer(collection, collection, new TimerConfig(Housekeeping.COLLECTION, false));
    }

    @Timeout
    void fire(Timer timer) {
        if (Housekeeping.LIFECYCLE.equals(timer.getInfo())) {
            housekeeping.runLifecycle();
        } else {
            housekeeping.runCollection();
        }
    }
}
