package io.berth.platform;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The registry's own metrics, kept by the runtime's MicroProfile Metrics and served in Prometheus' format at
 * {@code /metrics} when the operator enables it: requests by operation and status, bytes pushed and pulled, upload
 * durations, collection runs; and gauges their owners register (the outbox's lag, audit records waiting). Per
 * instance, as metrics are. With metrics turned off in the runtime (Payara's default), or on a runtime without
 * MicroProfile Metrics (WildFly), every method does nothing.
 */
@ApplicationScoped
public class RegistryMetrics {

    /** Units of gauges, as MicroProfile Metrics names them. */
    public static final String NO_UNIT = "none";
    public static final String MILLISECONDS = "milliseconds";

    /** Where the runtime's metric registry is found, if it has one. */
    @Inject
    Instance<Object> beans;

    /** Null when there are no metrics to keep. */
    private MicroProfileMetrics metrics;

    @PostConstruct
    void connect() {
        try {
            Class.forName("org.eclipse.microprofile.metrics.MetricRegistry", false,
                    RegistryMetrics.class.getClassLoader());
        } catch (ClassNotFoundException notOnThisRuntime) {
            return;
        }
        metrics = MicroProfileMetrics.connect(beans);
    }

    public void gauge(String name, String unit, String description, Supplier<Number> value) {
        if (metrics != null) {
            metrics.gauge(name, unit, description, value);
        }
    }

    public void request(String operation, int status) {
        if (metrics != null) {
            metrics.request(operation, status);
        }
    }

    public void pushed(long bytes) {
        if (metrics != null) {
            metrics.pushed(bytes);
        }
    }

    public void pulled(long bytes) {
        if (metrics != null) {
            metrics.pulled(bytes);
        }
    }

    public void uploadCompleted(Duration took) {
        if (metrics != null) {
            metrics.uploadCompleted(took);
        }
    }

    public void collectionRun() {
        if (metrics != null) {
            metrics.collectionRun();
        }
    }
}
