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
        Optional<Reference> parsed = Reference.tryParse(reference);
        Image image = parsed.flatMap(ref -> resolve(repository, ref)).orElse(null);
        if (image == null && parsed.orElse(null) instanceof Reference.ByDigest) {
            Optional<ManifestCache.Entry> conversion = findConversion(repository, reference);
            if (conversion.isPresent()) {
                return conversion.get();
            }
        }
        if (image == null) {
            throw new RegistryException(Problem.MANIFEST_UNKNOWN, "manifest unknown to registry", reference);
        }
        long recorded = image.lastPulledAt() == null ? 0 : image.lastPulledAt();
        return new ManifestCache.Entry(image.id(),
                new StoredManifest(image.digest(), image.mediaType(), image.content(), image.subjectDigest()),
                new AtomicLong(recorded));
    }

    /** A child of an index that was converted for a client (see {@link ManifestConversions}), pulled by its digest. */
    private Optional<ManifestCache.Entry> findConversion(Repository repository, String digest) {
        List<?> rows = em.createNativeQuery("SELECT source_image_id, media_type, content FROM converted_manifest"
                        + " WHERE repository_id = ? AND digest = ?")
                .setParameter(1, repository.id()).setParameter(2, digest).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = (Object[]) rows.get(0);
        return Optional.of(new ManifestCache.Entry(((Number) row[0]).longValue(),
                new StoredManifest(digest, (String) row[1], (byte[]) row[2], null), new AtomicLong()));
    }

    /** Keeps a converted child of an index, once, for the pulls by its digest that follow. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void keepConversion(RepositoryName repositoryName, String sourceDigest, StoredManifest converted) {
        Repository repository = repositories.require(repositoryName);
        Image source = findImage(repository, sourceDigest).orElseThrow(() -> new RegistryException(
                Problem.MANIFEST_UNKNOWN, "manifest unknown to registry", sourceDigest));
        em.createNativeQuery("INSERT INTO converted_manifest (repository_id, digest, source_image_id, media_type,"
                        + " content) SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM converted_manifest"
                        + " WHERE repository_id = ? AND digest = ?)")
                .setParameter(1, repository.id()).setParameter(2, converted.digest()).setParameter(3, source.id())
                .setParameter(4, converted.mediaType()).setParameter(5, converted.content())
                .setParameter(6, repository.id()).setParameter(7, converted.digest()).executeUpdate();
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
