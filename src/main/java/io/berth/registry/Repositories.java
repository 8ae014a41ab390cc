package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Finds repositories, and creates them on first push when the registry allows it. */
@ApplicationScoped
public class Repositories {

    @PersistenceContext
    EntityManager em;

    @Inject
    RegistrySettings settings;

    @Inject
    RepositoryCreator creator;

    /** The repository with this qualified name ({@code <account>/<name>}, see {@link Names#split}). */
    public Optional<Repository> find(String qualifiedName) {
        Names.Qualified name = Names.split(qualifiedName);
        return em.createQuery("SELECT r FROM Repository r WHERE r.accountId = :account AND r.name = :name",
                        Repository.class)
                .setParameter("account", name.accountId())
                .setParameter("name", name.name())
                .getResultStream().findFirst();
    }

    public Repository require(String name) {
        return find(name).orElseThrow(() ->
                new RegistryException(Problem.NAME_UNKNOWN, "repository name not known to registry", name));
    }

    /** The repository a push goes to, created if needed and allowed. */
    @Transactional
    public Repository forPush(String name, String actor) {
        Optional<Repository> existing = find(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!settings.createOnPush()) {
            throw new RegistryException(Problem.NAME_UNKNOWN, "repository name not known to registry", name);
        }
        try {
            creator.create(name, actor);
        } catch (RuntimeException raceLost) {
            // Another push may have created it at the same moment: the unique constraint refused our row.
            return find(name).orElseThrow(() -> raceLost);
        }
        return require(name);
    }

    /** Replaces the repository policy (already validated by the caller), or removes it with null. */
    @Transactional
    public void setPolicy(String qualifiedName, String policy) {
        lock(require(qualifiedName)).policy(policy);
    }

    /** The repository's resource tags (key → value), for policies' {@code ecr:ResourceTag} conditions. */
    public Map<String, String> resourceTags(Repository repository) {
        Map<String, String> tags = new TreeMap<>();
        for (Object row : em.createNativeQuery("SELECT tag_key, tag_value FROM repository_tag WHERE repository_id = ?")
                .setParameter(1, repository.id()).getResultList()) {
            Object[] columns = (Object[]) row;
            tags.put((String) columns[0], (String) columns[1]);
        }
        return tags;
    }

    /** Locks the repository row until the transaction ends, serializing manifest and tag changes in it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Repository lock(Repository repository) {
        return em.find(Repository.class, repository.id(), LockModeType.PESSIMISTIC_WRITE);
    }
}
