package io.berth.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
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
        url = "jdbc:h2:file:${berth.data.dir}/db/berth;WRITE_DELAY=0",
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

    @PostConstruct
    void migrate() {
        var result = Flyway.configure(SchemaMigration.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        LOG.info(() -> "database schema at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }
}
