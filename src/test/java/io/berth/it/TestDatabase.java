package io.berth.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * The database the integration tests run on: H2 in each server's data directory, or, when server-config/test.sh
 * started a PostgreSQL cluster ({@code berth.it.db.url} names the shared test server's database in it), a new
 * database in that cluster for each server a test starts of its own.
 */
final class TestDatabase {

    private TestDatabase() {
    }

    /** A new, empty database for one server, as BERTH_DB_URL; empty on H2, where the data directory holds it. */
    static Optional<String> forServer(String name) {
        String shared = System.getProperty("berth.it.db.url", "");
        if (!shared.startsWith("jdbc:postgresql:")) {
            return Optional.empty();
        }
        String cluster = shared.substring(0, shared.lastIndexOf('/') + 1);
        String database = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        try (Connection connection = DriverManager.getConnection(cluster + "postgres", "berth", "");
             Statement statement = connection.createStatement()) {
            // ICU's en-US collation, as the shared database's: an order that depended on it would show.
            statement.execute("CREATE DATABASE " + database + " TEMPLATE template0 LOCALE 'C.UTF-8'"
                    + " LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + database, e);
        }
        return Optional.of(cluster + database);
    }
}
