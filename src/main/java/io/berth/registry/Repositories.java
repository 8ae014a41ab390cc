package io.berth.registry;

import io.berth.events.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Finds repositories, and creates them on first push when the registry allows it. */
@ApplicationScoped
public class Repositories {

    @PersistenceContext
    EntityManager em;

    @Inject
    RegistrySettings settings;

    @Inject
    RepositoryCreator creator;

    @Inject
    ManifestCache cache;

    @Inject
    Outbox outbox;

    /** The repository with this name, if it exists. */
    public Optional<Repository> find(RepositoryName name) {
        return em.createQuery("SELECT r FROM Repository r WHERE r.accountId = :account AND r.name = :name",
                        Repository.class)
                .setParameter("account", name.accountId())
                .setParameter("name", name.name())
                .getResultStream().findFirst();
    }

    public Repository require(RepositoryName name) {
        return find(name).orElseThrow(() -> unknown(name));
    }

    /** NAME_UNKNOWN in ECR's words, which ECR users know. */
    private static RegistryException unknown(RepositoryName name) {
        return new RegistryException(Problem.NAME_UNKNOWN, "The repository with name '" + name.name()
                + "' does not exist in the registry with id '" + name.accountId() + "'", name);
    }

    /** The repository a push goes to, created if needed and allowed. */
    @Transactional
    public Repository forPush(RepositoryName name, String actor) {
        Optional<Repository> existing = find(name);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!settings.createOnPush()) {
            throw unknown(name);
        }
        try {
            creator.create(name, actor);
        } catch (RuntimeException raceLost) {
            // Another push may have created it at the same moment: the unique constraint refused our row.
            return find(name).orElseThrow(() -> raceLost);
        }
        return require(name);
    }

    /** Creates a repository explicitly (the ECR API); REPOSITORY_EXISTS if it is there already. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public Repository create(RepositoryName name, RepositorySettings settings, Map<String, String> tags,
                             String actor) {
        if (find(name).isPresent()) {
            throw exists(name);
        }
        try {
            creator.create(name, settings, tags, actor);
        } catch (RuntimeException raceLost) {
            throw exists(name);
        }
        return require(name);
    }

    private static RegistryException exists(RepositoryName name) {
        return new RegistryException(Problem.REPOSITORY_EXISTS, "The repository with name '" + name.name()
                + "' already exists in the registry with id '" + name.accountId() + "'", name);
    }

    /** An account's repositories in name order after {@code after}, at most {@code limit}. */
    public List<Repository> list(String accountId, String after, int limit) {
        return em.createQuery("SELECT r FROM Repository r WHERE r.accountId = :account AND r.name > :after"
                        + " ORDER BY r.name", Repository.class)
                .setParameter("account", accountId).setParameter("after", after == null ? "" : after)
                .setMaxResults(limit).getResultList();
    }

    /**
     * An account's repositories whose names start with {@code prefix}, in name order (or its reverse) after
     * {@code after}, at most {@code limit}: the console's list, a page at a time through the account-and-name index.
     */
    public List<Repository> list(String accountId, String prefix, String after, boolean descending, int limit) {
        String escaped = prefix.replace("!", "!!").replace("_", "!_").replace("%", "!%");
        String order = descending ? (after == null ? "" : " AND r.name < :after") + " ORDER BY r.name DESC"
                : " AND r.name > :after ORDER BY r.name";
        var query = em.createQuery("SELECT r FROM Repository r WHERE r.accountId = :account"
                        + " AND r.name LIKE :prefix ESCAPE '!'" + order, Repository.class)
                .setParameter("account", accountId).setParameter("prefix", escaped + "%");
        if (!descending || after != null) {
            query.setParameter("after", after == null ? "" : after);
        }
        return query.setMaxResults(limit).getResultList();
    }

    /** How many images a repository holds. */
    public long imageCount(Repository repository) {
        return em.createQuery("SELECT COUNT(i) FROM Image i WHERE i.repositoryId = :id", Long.class)
                .setParameter("id", repository.id()).getSingleResult();
    }

    /** How many repositories an account has, and how many images in them. */
    public record Counts(long repositories, long images) {
    }

    public Counts counts(String accountId) {
        long repositories = em.createQuery("SELECT COUNT(r) FROM Repository r WHERE r.accountId = :account",
                Long.class).setParameter("account", accountId).getSingleResult();
        long images = em.createQuery("SELECT COUNT(i) FROM Image i, Repository r WHERE i.repositoryId = r.id"
                + " AND r.accountId = :account", Long.class).setParameter("account", accountId).getSingleResult();
        return new Counts(repositories, images);
    }

    /**
     * Deletes a repository with its images, tags, links and uploads; unless {@code force}, only when it holds no
     * images (REPOSITORY_NOT_EMPTY). Blobs stay in the store for garbage collection.
     */
    @Transactional
    public Repository delete(RepositoryName name, boolean force, String actor) {
        Repository repository = lock(require(name));
        long images = em.createQuery("SELECT COUNT(i) FROM Image i WHERE i.repositoryId = :id", Long.class)
                .setParameter("id", repository.id()).getSingleResult();
        if (images > 0 && !force) {
            throw new RegistryException(Problem.REPOSITORY_NOT_EMPTY, "The repository with name '"
                    + repository.name() + "' in registry with id '" + repository.accountId()
                    + "' cannot be deleted because it still contains images", name);
        }
        long now = System.currentTimeMillis();
        announceImagesDeleted(repository, name, actor, now);
        em.remove(repository);
        em.flush();
        cache.invalidate(name);
        outbox.append(new RegistryEvent.RepositoryDeleted(name.toString(), (int) images, actor, now));
        return repository;
    }

    /** Each image of a repository being deleted goes with it, as its own event (what a webhook or replica needs). */
    private void announceImagesDeleted(Repository repository, RepositoryName name, String actor, long now) {
        Map<Long, List<String>> tags = new HashMap<>();
        em.createQuery("SELECT t.imageId, t.name FROM Tag t WHERE t.repositoryId = :id ORDER BY t.name",
                        Object[].class)
                .setParameter("id", repository.id()).getResultStream()
                .forEach(row -> tags.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((String) row[1]));
        em.createQuery("SELECT i.id, i.digest FROM Image i WHERE i.repositoryId = :id ORDER BY i.id", Object[].class)
                .setParameter("id", repository.id()).getResultStream()
                .forEach(row -> outbox.append(new RegistryEvent.ImageDeleted(name.toString(),
                        (String) row[1], tags.getOrDefault((Long) row[0], List.of()), actor, now,
                        RegistryEvent.Cause.REPOSITORY_DELETED, null)));
    }

    /**
     * Changes a repository's settings (mutability, scanning, encryption) from what they are when its lock is held, so
     * that two changes of different settings never undo each other. Returns the settings as they are now.
     */
    @Transactional
    public RepositorySettings updateSettings(RepositoryName name, UnaryOperator<RepositorySettings> change,
                                             String actor) {
        Repository repository = lock(require(name));
        RepositorySettings settings = change.apply(repository.settings());
        repository.settings(settings);
        outbox.append(new RegistryEvent.RepositorySettingsChanged(name.toString(), settings, actor,
                System.currentTimeMillis()));
        return settings;
    }

    /** Adds or replaces resource tags; at most {@code max} in all, else TOO_MANY_TAGS and nothing changes. */
    @Transactional
    public void tag(RepositoryName name, Map<String, String> tags, int max, String actor) {
        Repository repository = lock(require(name));
        Map<String, String> all = new TreeMap<>(resourceTags(repository));
        all.putAll(tags);
        if (all.size() > max) {
            throw new RegistryException(Problem.TOO_MANY_TAGS, "A repository can have at most " + max + " tags");
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            em.createNativeQuery("DELETE FROM repository_tag WHERE repository_id = ? AND tag_key = ?")
                    .setParameter(1, repository.id()).setParameter(2, tag.getKey()).executeUpdate();
            em.createNativeQuery("INSERT INTO repository_tag (repository_id, tag_key, tag_value) VALUES (?, ?, ?)")
                    .setParameter(1, repository.id()).setParameter(2, tag.getKey()).setParameter(3, tag.getValue())
                    .executeUpdate();
        }
        outbox.append(new RegistryEvent.ResourceTagsChanged(name.toString(), all, actor, System.currentTimeMillis()));
    }

    @Transactional
    public void untag(RepositoryName name, List<String> keys, String actor) {
        Repository repository = lock(require(name));
        for (String key : keys) {
            em.createNativeQuery("DELETE FROM repository_tag WHERE repository_id = ? AND tag_key = ?")
                    .setParameter(1, repository.id()).setParameter(2, key).executeUpdate();
        }
        outbox.append(new RegistryEvent.ResourceTagsChanged(name.toString(), resourceTags(repository), actor,
                System.currentTimeMillis()));
    }

    /** An account's registry policy, if it has one. */
    public Optional<String> registryPolicy(String accountId) {
        return em.createNativeQuery("SELECT policy FROM registry_policy WHERE account_id = ?")
                .setParameter(1, accountId).getResultStream().findFirst().map(String.class::cast);
    }

    /**
     * Replaces an account's registry policy (validated by the caller), or deletes it with null; returns the policy
     * it replaced. POLICY_NOT_FOUND, and nothing changes, when there is none to delete.
     */
    @Transactional
    public Optional<String> setRegistryPolicy(String accountId, String policy, String actor) {
        Optional<String> old = registryPolicy(accountId);
        if (policy == null && old.isEmpty()) {
            throw noRegistryPolicy(accountId);
        }
        em.createNativeQuery("DELETE FROM registry_policy WHERE account_id = ?").setParameter(1, accountId)
                .executeUpdate();
        if (policy != null) {
            em.createNativeQuery("INSERT INTO registry_policy (account_id, policy) VALUES (?, ?)")
                    .setParameter(1, accountId).setParameter(2, policy).executeUpdate();
        }
        outbox.append(new RegistryPolicyChanged(accountId, policy, actor, System.currentTimeMillis()));
        return old;
    }

    /**
     * Replaces the lifecycle policy (validated by the caller), or deletes it with null; returns the policy it
     * replaced. POLICY_NOT_FOUND, and nothing changes, when there is none to delete.
     */
    @Transactional
    public Optional<String> setLifecyclePolicy(RepositoryName name, String policy, String actor) {
        Repository repository = lock(require(name));
        Optional<String> old = Optional.ofNullable(repository.lifecyclePolicy());
        if (policy == null && old.isEmpty()) {
            throw noLifecyclePolicy(repository);
        }
        repository.lifecyclePolicy(policy);
        outbox.append(new RegistryEvent.LifecyclePolicyChanged(name.toString(), policy, actor,
                System.currentTimeMillis()));
        return old;
    }

    /** The names of the repositories that have a lifecycle policy. */
    public List<RepositoryName> withLifecyclePolicy() {
        return em.createQuery("SELECT r FROM Repository r WHERE r.lifecyclePolicy IS NOT NULL ORDER BY r.id",
                Repository.class).getResultStream().map(Repository::repositoryName).toList();
    }

    /** Records that the repository's lifecycle policy was applied at {@code when}. */
    @Transactional
    public void lifecycleEvaluated(RepositoryName name, long when) {
        find(name).ifPresent(repository -> repository.lifecycleEvaluatedAt(when));
    }

    /**
     * Replaces the repository policy (validated by the caller), or deletes it with null; returns the policy it
     * replaced. POLICY_NOT_FOUND, and nothing changes, when there is none to delete.
     */
    @Transactional
    public Optional<String> setPolicy(RepositoryName name, String policy, String actor) {
        Repository repository = lock(require(name));
        Optional<String> old = Optional.ofNullable(repository.policy());
        if (policy == null && old.isEmpty()) {
            throw noRepositoryPolicy(repository);
        }
        repository.policy(policy);
        outbox.append(new RegistryEvent.RepositoryPolicyChanged(name.toString(), policy, actor,
                System.currentTimeMillis()));
        return old;
    }

    public static RegistryException noRepositoryPolicy(Repository repository) {
        return new RegistryException(Problem.REPOSITORY_POLICY_NOT_FOUND, "Repository policy does not exist for the"
                + " repository with name '" + repository.name() + "' in the registry with id '"
                + repository.accountId() + "'");
    }

    public static RegistryException noLifecyclePolicy(Repository repository) {
        return new RegistryException(Problem.LIFECYCLE_POLICY_NOT_FOUND, "Lifecycle policy does not exist for the"
                + " repository with name '" + repository.name() + "' in the registry with id '"
                + repository.accountId() + "'");
    }

    public static RegistryException noRegistryPolicy(String accountId) {
        return new RegistryException(Problem.REGISTRY_POLICY_NOT_FOUND, "Registry policy does not exist in the"
                + " registry with id '" + accountId + "'");
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
