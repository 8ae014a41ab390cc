package io.berth.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

/** Makes a scope's row in a transaction of its own, so that two first changes racing cannot fail either's change. */
@ApplicationScoped
public class CacheScopeRows {

    @PersistenceContext
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(String scope) {
        em.createNativeQuery("INSERT INTO cache_scope (name, generation, changed_at) SELECT ?, 0, 0"
                + " WHERE NOT EXISTS (SELECT 1 FROM cache_scope WHERE name = ?)")
                .setParameter(1, scope).setParameter(2, scope).executeUpdate();
    }
}
