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
 * The application's datasource, and the schema migrations from {@code sql/} applied to it at deployment, before
 * the first request. The default is H2 in file mode under the data directory ({@code berth.data.dir}, a system
 * property the start script sets).
 */
@DataSourceDefinition(
        name = "java:app/jdbc/berth",
        className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:file:${berth.data.dir}/db/berth;WRITE_DELAY=0;TRACE_LEVEL_FILE=0",
        user = "berth",
        password = "berth",
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
                .locations("classpath:db/migration")
                // Steps that SQL cannot express, registered here rather than found by scanning the WAR's classes.
                .javaMigrations(new AuditPagesMigration())
                .load();
        var result = flyway.migrate();
        known = flyway.info().all().length;
        // The version the schema is at now: the migration's target is null when nothing needed applying.
        var current = flyway.info().current();
        LOG.info(() -> "database schema at version " + (current == null ? "none" : current.getVersion())
                + " (" + result.migrationsExecuted + " migrations applied now)");
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
