package io.berth.platform;

import io.berth.storage.BlobStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Whether this instance can serve ({@code /health/ready}, for load balancers): the database answers, its schema is
 * at the version this build migrates to, and the blob store takes a write. Names and states only, no details: the
 * endpoint is open to anyone.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    BlobStore store;

    @Inject
    SchemaMigration migrations;

    @Override
    public HealthCheckResponse call() {
        boolean database = false;
        boolean migrated = false;
        try {
            migrated = migrations.applied() >= migrations.known();
            database = true;
        } catch (Exception e) {
            // reported as down below
        }
        boolean writable = false;
        try {
            store.checkWritable();
            writable = true;
        } catch (Exception e) {
            // reported as down below
        }
        return HealthCheckResponse.named("berth").status(database && migrated && writable)
                .withData("database", database).withData("migrations", migrated).withData("blobStore", writable)
                .build();
    }
}
