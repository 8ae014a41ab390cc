package io.berth.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.UUID;

/**
 * Leases in the database, for work that one instance at a time must do when several share it (lifecycle runs,
 * garbage collection). A lease is held until it expires, by the database's clock so that the instances' clocks do
 * not matter; the holder renews it while it works, and a stopped holder's lease lapses and another takes it.
 */
@ApplicationScoped
public class Leases {

    /** This instance, as lease owner. */
    private final String owner = UUID.randomUUID().toString();

    @PersistenceContext
    EntityManager em;

    public String owner() {
        return owner;
    }

    /** Takes or renews the lease for {@code ttl}: true when this instance holds it now. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean acquire(String name, Duration ttl) {
        long now = databaseNow();
        return em.createNativeQuery("UPDATE lease SET owner = ?, expires_at = ? WHERE name = ?"
                        + " AND (owner = ? OR expires_at < ?)")
                .setParameter(1, owner).setParameter(2, now + ttl.toMillis()).setParameter(3, name)
                .setParameter(4, owner).setParameter(5, now)
                .executeUpdate() == 1;
    }

    /** Gives the lease up, if this instance holds it, so that another may take it at once. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void release(String name) {
        em.createNativeQuery("UPDATE lease SET expires_at = 0 WHERE name = ? AND owner = ?")
                .setParameter(1, name).setParameter(2, owner).executeUpdate();
    }

    /**
     * The database's clock in epoch millis, computed there: a timestamp's Java type depends on the database, its
     * driver and the JPA provider (OffsetDateTime, Timestamp, Instant).
     */
    private long databaseNow() {
        return ((Number) em.createNativeQuery("SELECT CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)")
                .getSingleResult()).longValue();
    }
}
