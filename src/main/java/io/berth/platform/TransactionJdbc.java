package io.berth.platform;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * JDBC in the caller's JTA transaction, for the few writes that JPA would make slow (batched inserts under a row
 * lock). EclipseLink (Payara) gives the transaction's own connection through {@code EntityManager.unwrap}, and there a
 * connection taken from the datasource in a timer's thread is not enlisted: every statement would commit on its own.
 * Hibernate (WildFly) unwraps no connection, and there the datasource's connection is enlisted in the transaction.
 */
@ApplicationScoped
public class TransactionJdbc {

    @FunctionalInterface
    public interface Work {
        void run(Connection connection) throws SQLException;
    }

    @PersistenceContext
    EntityManager em;

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    /** Whether the JPA provider unwraps its connection; learnt on the first call. */
    private volatile boolean providerUnwraps = true;

    /** Runs {@code work} with the transaction's connection. Call it in a transaction. */
    public void run(Work work) throws SQLException {
        if (providerUnwraps) {
            try {
                work.run(em.unwrap(Connection.class));
                return;
            } catch (PersistenceException notThisProvider) {
                providerUnwraps = false;
            }
        }
        try (Connection enlisted = dataSource.getConnection()) {
            work.run(enlisted);
        }
    }
}
