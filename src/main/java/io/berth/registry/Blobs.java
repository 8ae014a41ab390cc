package io.berth.registry;

import io.berth.storage.BlobStore;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Blobs as a repository sees them: readable only through the repository's link. */
@ApplicationScoped
public class Blobs {

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    @Inject
    BlobStore store;

    @Inject
    Event<RegistryEvent> events;

    /** The blob if the repository links it; BLOB_UNKNOWN otherwise. */
    @Transactional
    public BlobInfo stat(String repositoryName, Digest digest) {
        Repository repository = repositories.require(repositoryName);
        return linked(repository, digest).orElseThrow(() ->
                new RegistryException(Problem.BLOB_UNKNOWN, "blob unknown to registry", digest.toString()));
    }

    Optional<BlobInfo> linked(Repository repository, Digest digest) {
        return em.createQuery("SELECT b FROM Blob b, RepositoryBlob l WHERE l.repositoryId = :repository"
                        + " AND l.digest = :digest AND b.digest = l.digest", Blob.class)
                .setParameter("repository", repository.id())
                .setParameter("digest", digest.toString())
                .getResultStream().findFirst()
                .map(b -> new BlobInfo(digest, b.size()));
    }

    /** Links a stored blob into a repository (idempotent). */
    void link(Repository repository, Digest digest) {
        if (em.find(RepositoryBlob.class, new RepositoryBlob.Key(repository.id(), digest.toString())) == null) {
            em.persist(new RepositoryBlob(repository.id(), digest.toString(), System.currentTimeMillis()));
        }
    }

    /**
     * Records a blob whose bytes are already durable in the store. A concurrent push of the same blob may insert the
     * same row first; the content is identical, so either row will do.
     */
    void recordStored(Digest digest, long size) {
        if (em.find(Blob.class, digest.toString()) == null) {
            em.persist(new Blob(digest.toString(), size, System.currentTimeMillis()));
            em.flush();
        }
    }

    /**
     * Mounts a blob from another repository: true when {@code from} links it and the link was made, false when the
     * caller should upload instead.
     */
    @Transactional
    public boolean mount(String repositoryName, Digest digest, String fromName, String actor) {
        Optional<Repository> from = repositories.find(fromName);
        if (from.isEmpty() || linked(from.get(), digest).isEmpty()) {
            return false;
        }
        Repository target = repositories.forPush(repositoryName, actor);
        link(target, digest);
        events.fire(new RegistryEvent.BlobMounted(repositoryName, fromName, digest.toString(), actor,
                System.currentTimeMillis()));
        return true;
    }

    /**
     * Removes the repository's link to a blob. Refused while an image of the repository references it: deleting
     * would break that image.
     */
    @Transactional
    public void delete(String repositoryName, Digest digest, String actor) {
        Repository repository = repositories.lock(repositories.require(repositoryName));
        RepositoryBlob link = em.find(RepositoryBlob.class,
                new RepositoryBlob.Key(repository.id(), digest.toString()));
        if (link == null) {
            throw new RegistryException(Problem.BLOB_UNKNOWN, "blob unknown to registry", digest.toString());
        }
        long users = em.createQuery("SELECT COUNT(r) FROM ImageReference r, Image i WHERE r.digest = :digest"
                        + " AND i.id = r.imageId AND i.repositoryId = :repository", Long.class)
                .setParameter("digest", digest.toString())
                .setParameter("repository", repository.id())
                .getSingleResult();
        if (users > 0) {
            throw new RegistryException(Problem.BLOB_IN_USE,
                    "blob is referenced by a manifest in this repository; delete the manifest first",
                    digest.toString());
        }
        em.remove(link);
        events.fire(new RegistryEvent.BlobDeleted(repositoryName, digest.toString(), actor,
                System.currentTimeMillis()));
    }

    /** Opens a blob's bytes; call after {@link #stat} allowed it. */
    public java.nio.channels.SeekableByteChannel open(Digest digest) {
        try {
            return store.open(digest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
