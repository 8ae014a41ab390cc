package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Registry settings from MicroProfile Config: system properties, environment (BERTH_…), properties files. */
@ApplicationScoped
public class RegistrySettings {

    @Inject
    @ConfigProperty(name = "berth.data.dir", defaultValue = "data")
    String dataDir;

    @Inject
    @ConfigProperty(name = "berth.create.on.push", defaultValue = "true")
    boolean createOnPush;

    /**
     * Whether an index may reference child manifests the repository does not hold (copying one platform of a
     * multi-platform image makes such a sparse index). Off by default, as in ECR.
     */
    @Inject
    @ConfigProperty(name = "berth.sparse.indexes", defaultValue = "false")
    boolean sparseIndexes;

    /**
     * The server key (SecretBox): created in the data directory unless set. Instances sharing a database must share
     * it: it seals the access key secrets in the database and the page tokens clients carry between instances.
     */
    @Inject
    @ConfigProperty(name = "berth.server.key.file")
    Optional<String> serverKeyFile;

    public Path serverKeyFile() {
        return serverKeyFile.map(Path::of).orElse(dataDir().resolve("keys/server.key")).toAbsolutePath();
    }

    public Path dataDir() {
        return Path.of(dataDir).toAbsolutePath();
    }

    public boolean sparseIndexes() {
        return sparseIndexes;
    }

    /** Whether a push to a repository that does not exist creates it. */
    public boolean createOnPush() {
        return createOnPush;
    }
}
