package io.berth.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the other instances sharing the database what they cached that a change made stale. A change bumps its
 * scope's generation in the changing transaction ({@link #changed}); {@link #poll()}, a few times a second on every
 * instance, reads the scopes changed lately and fires {@link Changed} for each whose generation moved, which the
 * caches observe. The instance that made a change has already dropped its own entries; it drops them once more, which
 * costs a read.
 */
@ApplicationScoped
public class CacheScopes {

    /** A scope another instance (or this one) changed. */
    public record Changed(String scope) {
    }

    /** The scope of a repository's manifests and tags: this prefix and its qualified name. */
    public static final String REPOSITORY = "repository:";

    public static String repository(String name) {
        return REPOSITORY + name;
    }

    public static final String IDENTITIES = "identities";

    /** Scopes changed this long before the last poll are read again: a transaction may commit that much later. */
    private static final long COMMIT_MARGIN_MILLIS = 10_000;
    private static final String DATABASE_NOW = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";

    @PersistenceContext
    EntityManager em;

    @Inject
    CacheScopeRows rows;

    @Inject
    Event<Changed> changed;

    private final Map<String, Long> seen = new HashMap<>();
    private long lastPoll = -1;

    /** Records, in the caller's transaction, that what any instance cached of {@code scope} is stale. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void changed(String scope) {
        if (bump(scope) == 0) {
            try {
                rows.create(scope); // its first change: the row commits on its own, the bump with the caller
            } catch (RuntimeException createdMeanwhile) {
                // another transaction's first change made it
            }
            bump(scope);
        }
    }

    private int bump(String scope) {
        return em.createNativeQuery("UPDATE cache_scope SET generation = generation + 1, changed_at = "
                + DATABASE_NOW + " WHERE name = ?").setParameter(1, scope).executeUpdate();
    }

    /** Fires {@link Changed} for the scopes whose generation moved since the last poll; one caller at a time. */
    @Transactional
    public synchronized void poll() {
        long now = ((Number) em.createNativeQuery("SELECT " + DATABASE_NOW).getSingleResult()).longValue();
        boolean first = lastPoll < 0;
        @SuppressWarnings("unchecked")
        List<Object[]> recent = em.createNativeQuery("SELECT name, generation FROM cache_scope WHERE changed_at >= ?")
                .setParameter(1, (first ? now : lastPoll) - COMMIT_MARGIN_MILLIS).getResultList();
        lastPoll = now;
        for (Object[] row : recent) {
            String scope = (String) row[0];
            long generation = ((Number) row[1]).longValue();
            Long known = seen.put(scope, generation);
            // The first poll only learns: this instance has cached nothing from before it started.
            if (!first && (known == null || known != generation)) {
                changed.fire(new Changed(scope));
            }
        }
        if (seen.size() > 100_000) {
            seen.clear(); // scopes not changed lately; a change to one of them fires (unknown is changed)
        }
    }
}
