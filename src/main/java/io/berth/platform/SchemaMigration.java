package io.berth.platform;

import io.berth.audit.AuditPagesMigration;
import io.berth.storage.OwnerOnly;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The application's datasource (the database {@link BerthDataSource} says: PostgreSQL when configured, else H2 in
 * file mode under the data directory), and the schema migrations from {@code sql/} applied to it at deployment,
 * before the first request: the common ones, and the few whose SQL differs, from {@code sql/h2} or
 * {@code sql/postgresql}.
 */
@DataSourceDefinition(
        name = "java:app/jdbc/berth",
        className = "io.berth.platform.BerthDataSource",
        minPoolSize = 2,
        maxPoolSize = 64)
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class SchemaMigration {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    /** How many migrations this build has, all applied once the deployment started. */
    private int known;

    public int known() {
        return known;
    }

    @PostConstruct
    void migrate() {
        restrictDatabaseFiles();
        Flyway flyway = Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/vendor/" + BerthDataSource.vendor())
                // Steps that SQL cannot express, registered here rather than found by scanning the WAR's classes.
                .javaMigrations(new AuditPagesMigration())
                .load();
        var result = flyway.migrate();
        known = flyway.info().all().length;
        // The version the schema is at now: the migration's target is null when nothing needed applying.
        var current = flyway.info().current();
        LOG.info(() -> "database schema at version " + (current == null ? "none" : current.getVersion())
                + " (" + result.migrationsExecuted + " migrations applied now, " + BerthDataSource.vendor() + ")");
        restrictDatabaseFiles();
    }

    /**
     * The data directory and the database files are the server's alone. H2 creates its files with the process's
     * umask (run.sh sets 077; other launchers may not), so they are restricted here, before and after migrating.
     */
    private static void restrictDatabaseFiles() {
        Path data = Path.of(System.getProperty("berth.data.dir", "data"));
        try {
            OwnerOnly.directory(data);
            OwnerOnly.restrict(data);
            OwnerOnly.restrictTree(data.resolve("db"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data directory " + data + " owner-only", e);
        }
    }
}
