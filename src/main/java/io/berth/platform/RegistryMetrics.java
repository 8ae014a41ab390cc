package io.berth.platform;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The registry's own metrics, kept by the runtime's MicroProfile Metrics and served in Prometheus' format at
 * {@code /metrics} when the operator enables it: requests by operation and status, bytes pushed and pulled, upload
 * durations, collection runs; and gauges their owners register (the outbox's lag, audit records waiting). Per
 * instance, as metrics are. With metrics turned off in the runtime (the default), every method does nothing.
 */
@ApplicationScoped
public class RegistryMetrics {

    private static final Metadata REQUESTS = Metadata.builder().withName("berth_requests")
            .withDescription("calls by operation (ECR's names for /v2) and HTTP status").build();
    private static final Metadata BYTES_PUSHED = Metadata.builder().withName("berth_pushed")
            .withDescription("bytes received in blob uploads and manifests").withUnit(MetricUnits.BYTES).build();
    private static final Metadata BYTES_PULLED = Metadata.builder().withName("berth_pulled")
            .withDescription("bytes sent in blob downloads and manifests").withUnit(MetricUnits.BYTES).build();
    private static final Metadata UPLOADS = Metadata.builder().withName("berth_upload_duration")
            .withDescription("time from a blob upload's start to its completion").build();
    private static final Metadata COLLECTIONS = Metadata.builder().withName("berth_collection_runs")
            .withDescription("garbage collection runs on this instance").build();

    @Inject
    Instance<MetricRegistry> registries;

    /** Null when the runtime's metrics are off: Payara then has no application registry to give. */
    private MetricRegistry registry;

    @PostConstruct
    void lookUpRegistry() {
        try {
            registry = registries.get();
            registry.getNames(); // a disabled runtime fails here at the latest
        } catch (RuntimeException off) {
            registry = null;
        }
    }

    public void gauge(String name, String unit, String description, Supplier<Number> value) {
        if (registry != null) {
            registry.gauge(Metadata.builder().withName(name).withUnit(unit).withDescription(description).build(),
                    value, Supplier::get);
        }
    }

    /** The request counters by operation and status, each looked up in the registry once: a lookup costs. */
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();

    public void request(String operation, int status) {
        if (registry == null) {
            return;
        }
        requests.computeIfAbsent(operation + " " + status, key -> registry.counter(REQUESTS,
                new Tag("operation", operation), new Tag("status", Integer.toString(status)))).inc();
    }

    public void pushed(long bytes) {
        if (registry == null) {
            return;
        }
        registry.counter(BYTES_PUSHED).inc(bytes);
    }

    public void pulled(long bytes) {
        if (registry == null) {
            return;
        }
        registry.counter(BYTES_PULLED).inc(bytes);
    }

    public void uploadCompleted(Duration took) {
        if (registry == null) {
            return;
        }
        registry.timer(UPLOADS).update(took);
    }

    public void collectionRun() {
        if (registry == null) {
            return;
        }
        registry.counter(COLLECTIONS).inc();
    }
}
