package io.berth.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** How often lifecycle policies are applied and garbage is collected, and what collection spares. */
@ApplicationScoped
public class HousekeepingSettings {

    @Inject
    @ConfigProperty(name = "berth.lifecycle.interval.seconds", defaultValue = "900")
    long lifecycleIntervalSeconds;

    @Inject
    @ConfigProperty(name = "berth.gc.interval.seconds", defaultValue = "21600")
    long collectionIntervalSeconds;

    @Inject
    @ConfigProperty(name = "berth.gc.grace.seconds", defaultValue = "3600")
    long graceSeconds;

    @Inject
    @ConfigProperty(name = "berth.gc.upload.expiry.seconds", defaultValue = "86400")
    long uploadExpirySeconds;

    /** Between two applications of every repository's lifecycle policy (ECR promises within 24 hours). */
    public Duration lifecycleInterval() {
        return Duration.ofSeconds(Math.max(1, lifecycleIntervalSeconds));
    }

    /** Between two garbage collections. */
    public Duration collectionInterval() {
        return Duration.ofSeconds(Math.max(1, collectionIntervalSeconds));
    }

    /**
     * How long an unreferenced blob stays after a push last uploaded, mounted or referenced it: the time a client
     * has between uploading layers and pushing the manifest that uses them.
     */
    public Duration grace() {
        return Duration.ofSeconds(Math.max(0, graceSeconds));
    }

    /** How long an upload may stay untouched before collection removes it. */
    public Duration uploadExpiry() {
        return Duration.ofSeconds(Math.max(0, uploadExpirySeconds));
    }
}
