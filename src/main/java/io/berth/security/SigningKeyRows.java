package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** The {@code signing_key} table: sealed private keys by name, each made once by whichever instance was first. */
@ApplicationScoped
public class SigningKeyRows {

    @PersistenceContext
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<String> find(String name) {
        return em.createNativeQuery("SELECT private_key FROM signing_key WHERE name = ?").setParameter(1, name)
                .getResultStream().findFirst().map(Object::toString);
    }

    /** In a transaction of its own: two instances making the key at once leave one row, the first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void insertUnlessPresent(String name, String sealedKey) {
        em.createNativeQuery("INSERT INTO signing_key (name, private_key, created_at) SELECT ?, ?, ?"
                        + " WHERE NOT EXISTS (SELECT 1 FROM signing_key WHERE name = ?)")
                .setParameter(1, name).setParameter(2, sealedKey).setParameter(3, System.currentTimeMillis())
                .setParameter(4, name).executeUpdate();
    }
}
