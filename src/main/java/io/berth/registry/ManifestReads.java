package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Looks manifests up in the database; {@link Manifests} puts a cache in front of it. */
@ApplicationScoped
public class ManifestReads {

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    @Transactional
    public ManifestCache.Entry find(RepositoryName repositoryName, String reference) {
        Repository repository = repositories.require(repositoryName);
        // A reference that can name nothing (neither a tag nor a digest) is just as unknown as a missing one.
        Image image = Reference.tryParse(reference).flatMap(ref -> resolve(repository, ref)).orElseThrow(() ->
                new RegistryException(Problem.MANIFEST_UNKNOWN, "manifest unknown to registry", reference));
        long recorded = image.lastPulledAt() == null ? 0 : image.lastPulledAt();
        return new ManifestCache.Entry(image.id(),
                new StoredManifest(image.digest(), image.mediaType(), image.content(), image.subjectDigest()),
                new AtomicLong(recorded));
    }

    /** Up to {@code max} tags after {@code last} (all when null), in lexical order, by the primary key's index. */
    @Transactional
    public List<String> tags(RepositoryName repositoryName, String last, int max) {
        Repository repository = repositories.require(repositoryName);
        return em.createQuery("SELECT t.name FROM Tag t WHERE t.repositoryId = :repository"
                        + " AND t.name > :last ORDER BY t.name", String.class)
                .setParameter("repository", repository.id())
                .setParameter("last", last == null ? "" : last)
                .setMaxResults(max)
                .getResultList();
    }

    @Transactional
    public void recordPull(Long imageId, long when) {
        Image image = em.find(Image.class, imageId);
        if (image != null) {
            image.pulledAt(when);
        }
    }

    Optional<Image> resolve(Repository repository, Reference reference) {
        if (reference instanceof Reference.ByDigest byDigest) {
            return findImage(repository, byDigest.digest().toString());
        }
        String tag = ((Reference.ByTag) reference).tag();
        return em.createQuery("SELECT i FROM Image i, Tag t WHERE t.repositoryId = :repository AND t.name = :tag"
                        + " AND i.id = t.imageId", Image.class)
                .setParameter("repository", repository.id())
                .setParameter("tag", tag)
                .getResultStream().findFirst();
    }

    Optional<Image> findImage(Repository repository, String digest) {
        return em.createQuery("SELECT i FROM Image i WHERE i.repositoryId = :repository AND i.digest = :digest",
                        Image.class)
                .setParameter("repository", repository.id())
                .setParameter("digest", digest)
                .getResultStream().findFirst();
    }
}
