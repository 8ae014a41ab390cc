package io.berth.webhooks;

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

/** Once a second, sends the webhook deliveries that are due (on the instance that holds the lease). */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class WebhookTimers {

    private static final Logger LOG = Logger.getLogger(WebhookTimers.class.getName());

    @Resource
    TimerService timers;

    @Inject
    WebhookSender sender;

    private final AtomicBoolean sending = new AtomicBoolean();

    @PostConstruct
    void schedule() {
        timers.createIntervalTimer(1000, 1000, new TimerConfig("webhooks", false));
    }

    @Timeout
    void tick() {
        if (!sending.compareAndSet(false, true)) {
            return; // a slow receiver holds the previous tick up
        }
        try {
            sender.sendDue();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sending webhook deliveries failed; retrying", e);
        } finally {
            sending.set(false);
        }
    }
}
