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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        maxPoolSize = 64,
        // WildFly passes the definition's attributes to the class's setters and needs at least one.
        loginTimeout = 30)
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

    /**
     * How many migrations the database has applied, asked now. Here rather than in the readiness check: WildFly
     * calls health checks on a thread of its management interface, where the application's names are not bound,
     * but an enterprise bean's call has them.
     */
    public int applied() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM \"flyway_schema_history\""
                     + " WHERE \"success\" = TRUE AND \"version\" IS NOT NULL");
             ResultSet row = query.executeQuery()) {
            return row.next() ? row.getInt(1) : 0;
        }
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
