package io.berth.platform;

import jakarta.enterprise.inject.Instance;
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
 * {@link RegistryMetrics} kept in the runtime's MicroProfile Metrics registry. The only class that names MicroProfile
 * Metrics' types: a runtime without them (WildFly 39 offers Micrometer instead) never loads it.
 */
final class MicroProfileMetrics {

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

    private final MetricRegistry registry;

    /** The request counters by operation and status, each looked up in the registry once: a lookup costs. */
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();

    private MicroProfileMetrics(MetricRegistry registry) {
        this.registry = registry;
    }

    /** The application's registry; null when the runtime's metrics are off (Payara then has none to give). */
    static MicroProfileMetrics connect(Instance<Object> beans) {
        try {
            MetricRegistry registry = beans.select(MetricRegistry.class).get();
            registry.getNames(); // a disabled runtime fails here at the latest
            return new MicroProfileMetrics(registry);
        } catch (RuntimeException off) {
            return null;
        }
    }

    void gauge(String name, String unit, String description, Supplier<Number> value) {
        registry.gauge(Metadata.builder().withName(name).withUnit(unit).withDescription(description).build(),
                value, Supplier::get);
    }

    void request(String operation, int status) {
        requests.computeIfAbsent(operation + " " + status, key -> registry.counter(REQUESTS,
                new Tag("operation", operation), new Tag("status", Integer.toString(status)))).inc();
    }

    void pushed(long bytes) {
        registry.counter(BYTES_PUSHED).inc(bytes);
    }

    void pulled(long bytes) {
        registry.counter(BYTES_PULLED).inc(bytes);
    }

    void uploadCompleted(Duration took) {
        registry.timer(UPLOADS).update(took);
    }

    void collectionRun() {
        registry.counter(COLLECTIONS).inc();
    }
}
