package io.berth.registry;

import io.berth.events.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Map;

/** Creates a repository in its own transaction, so that losing a creation race does not spoil the caller's. */
@ApplicationScoped
public class RepositoryCreator {

    @PersistenceContext
    EntityManager em;

    @Inject
    Outbox outbox;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(RepositoryName name, String actor) {
        create(name, RepositorySettings.DEFAULTS, Map.of(), actor);
    }

    /** Creates a repository with its settings and resource tags; fails on the unique constraint if it exists. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void create(RepositoryName name, RepositorySettings settings, Map<String, String> tags, String actor) {
        long now = System.currentTimeMillis();
        Repository repository = new Repository(name.accountId(), name.name(), now);
        repository.settings(settings);
        em.persist(repository);
        em.flush();
        tags.forEach((key, value) -> em.createNativeQuery(
                        "INSERT INTO repository_tag (repository_id, tag_key, tag_value) VALUES (?, ?, ?)")
                .setParameter(1, repository.id()).setParameter(2, key).setParameter(3, value).executeUpdate());
        outbox.append(new RegistryEvent.RepositoryCreated(name.toString(), actor, now));
    }
}
