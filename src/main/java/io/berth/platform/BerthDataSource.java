package io.berth.platform;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The database the operator chose, for the container's connection pool: {@code BERTH_DB_URL} (or the system property
 * {@code berth.db.url}) with {@code BERTH_DB_USER} and {@code BERTH_DB_PASSWORD}, a {@code jdbc:postgresql:} URL for
 * PostgreSQL; without one, H2 in file mode under the data directory. The {@code @DataSourceDefinition} names this
 * class rather than a driver's so that the same annotation serves both databases on every runtime, with no
 * runtime's own way of putting configuration into annotations.
 */
public class BerthDataSource implements DataSource {

    private final Driver driver;
    private final String url;
    private final Properties credentials = new Properties();
    private PrintWriter logWriter;
    private int loginTimeout;

    public BerthDataSource() {
        String configured = setting("BERTH_DB_URL", "berth.db.url");
        String user = setting("BERTH_DB_USER", "berth.db.user");
        String password = setting("BERTH_DB_PASSWORD", "berth.db.password");
        if (configured != null && configured.startsWith("jdbc:postgresql:")) {
            // PostgreSQL's driver comes with the WAR.
            driver = new org.postgresql.Driver();
            url = configured;
        } else if (configured == null || configured.startsWith("jdbc:h2:")) {
            // H2's comes with Payara Micro (or the server's libraries): found by name, not compiled against.
            driver = h2Driver();
            url = configured != null ? configured : "jdbc:h2:file:" + Path.of(System.getProperty("berth.data.dir",
                    "data"), "db", "berth").toAbsolutePath() + ";WRITE_DELAY=0;TRACE_LEVEL_FILE=0";
            user = user != null ? user : "berth";
            password = password != null ? password : "berth";
        } else {
            throw new IllegalStateException("BERTH_DB_URL: a jdbc:postgresql: or jdbc:h2: URL, not " + configured);
        }
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
    }

    private static Driver h2Driver() {
        try {
            return (Driver) Class.forName("org.h2.Driver", true, BerthDataSource.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("H2's JDBC driver is not on the class path: set BERTH_DB_URL to a"
                    + " PostgreSQL database, or add H2 to the server's libraries", e);
        }
    }

    /** The kind of database configured, as Flyway names vendors: {@code postgresql} or {@code h2}. */
    static String vendor() {
        String url = setting("BERTH_DB_URL", "berth.db.url");
        return url != null && url.startsWith("jdbc:postgresql:") ? "postgresql" : "h2";
    }

    /** A system property, else an environment variable (as MicroProfile Config orders them); null when neither. */
    private static String setting(String variable, String property) {
        String value = System.getProperty(property, System.getenv(variable));
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = driver.connect(url, credentials);
        if (connection == null) {
            throw new SQLException("the driver does not take the URL " + url);
        }
        return connection;
    }

    /** The configured credentials, whatever the pool passes. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
