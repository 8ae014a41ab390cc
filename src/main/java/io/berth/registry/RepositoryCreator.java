package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Creates a repository in its own transaction, so that losing a creation race does not spoil the caller's. */
@ApplicationScoped
public class RepositoryCreator {

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<RegistryEvent> events;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(String qualifiedName, String actor) {
        Names.Qualified name = Names.split(qualifiedName);
        long now = System.currentTimeMillis();
        em.persist(new Repository(name.accountId(), name.name(), now));
        em.flush();
        events.fire(new RegistryEvent.RepositoryCreated(qualifiedName, actor, now));
    }
}
