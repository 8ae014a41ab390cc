package io.berth.registry;

import io.berth.events.Outbox;
import io.berth.platform.RegistryMetrics;
import io.berth.storage.BlobStore;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Blobs as a repository sees them: readable only through the repository's link. */
@ApplicationScoped
public class Blobs {

    /** How long a client has to start fetching a blob from a direct download URL (Distribution's default). */
    private static final Duration DIRECT_DOWNLOAD_VALIDITY = Duration.ofMinutes(20);
    private static final int SEND_BUFFER = 1 << 20;

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    @Inject
    BlobStore store;

    @Inject
    Outbox outbox;

    @Inject
    ReadEvents readEvents;

    @Inject
    RegistryMetrics metrics;

    /** The blob if the repository links it; BLOB_UNKNOWN otherwise. */
    @Transactional
    public BlobInfo stat(RepositoryName repositoryName, Digest digest) {
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

    /*
     * Why garbage collection never deletes a blob that a push uses (see BlobCollector for its side). Every path by
     * which a push comes to use a blob - a manifest that references it, a mount, an upload that completes - first
     * locks the blob's row (SELECT ... FOR UPDATE) and keeps the lock until its transaction commits. Collection
     * claims a blob under the same lock and checks, after taking it, that no manifest references the blob and no
     * push touched it within the grace period; under READ COMMITTED that check sees everything committed before
     * the lock was granted. So either the push locks first, and collection then sees its reference or its touch and
     * leaves the blob, or collection claims it first (state DELETING, links gone), and the push then finds no live
     * blob and is refused (MANIFEST_BLOB_UNKNOWN; an upload publishes its own bytes instead). Rows are locked in
     * digest order on both sides, so the two never deadlock.
     */

    /**
     * Locks a blob the repository links, for a push that is about to use it, and marks it used now. Empty when the
     * repository does not link it or collection has claimed it. Call in digest order within one transaction.
     */
    Optional<BlobInfo> claim(Repository repository, Digest digest) {
        Blob blob = em.find(Blob.class, digest.toString(), LockModeType.PESSIMISTIC_WRITE);
        if (blob == null || !blob.live()
                || em.find(RepositoryBlob.class, new RepositoryBlob.Key(repository.id(), digest.toString())) == null) {
            return Optional.empty();
        }
        blob.touch(System.currentTimeMillis());
        return Optional.of(new BlobInfo(digest, blob.size()));
    }

    /**
     * Makes a verified upload the blob {@code digest}: under the blob's row lock, publishes its bytes (or drops
     * them when a live copy is stored already) and records the row. A concurrent first upload of the same blob
     * fails at the row's insert, before any file is touched; the caller tries again and finds the row.
     */
    void recordUpload(String uploadId, BlobStore.UploadProgress sealed, Digest digest) {
        long size = sealed.size();
        long now = System.currentTimeMillis();
        Blob blob = em.find(Blob.class, digest.toString(), LockModeType.PESSIMISTIC_WRITE);
        try {
            if (blob == null) {
                em.persist(new Blob(digest.toString(), size, now));
                em.flush();
                store.publish(uploadId, sealed, digest);
            } else if (blob.live()) {
                blob.touch(now);
                store.deleteUpload(uploadId); // content addressing: the stored copy is the same bytes
            } else {
                // Collection had claimed it and may have removed its file already: these bytes bring it back.
                store.publish(uploadId, sealed, digest);
                blob.touch(now);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mounts a blob from another repository: true when {@code from} links it and the link was made, false when the
     * caller should upload instead.
     */
    @Transactional
    public boolean mount(RepositoryName repositoryName, Digest digest, RepositoryName fromName, String actor) {
        Optional<Repository> from = repositories.find(fromName);
        if (from.isEmpty()) {
            return false;
        }
        Repository target = repositories.forPush(repositoryName, actor);
        if (claim(from.get(), digest).isEmpty()) {
            return false;
        }
        link(target, digest);
        outbox.append(new RegistryEvent.BlobMounted(repositoryName.toString(), fromName.toString(), digest.toString(),
                actor, System.currentTimeMillis()));
        return true;
    }

    /**
     * The repositories of an account that link a blob, by name, at most {@code limit}: where a mount without a
     * source repository may find it.
     */
    @Transactional
    public List<RepositoryName> linkedIn(String accountId, Digest digest, int limit) {
        return em.createQuery("SELECT r.name FROM Repository r, RepositoryBlob l WHERE l.digest = :digest"
                        + " AND r.id = l.repositoryId AND r.accountId = :account ORDER BY r.name", String.class)
                .setParameter("digest", digest.toString()).setParameter("account", accountId)
                .setMaxResults(limit).getResultStream().map(name -> new RepositoryName(accountId, name)).toList();
    }

    /**
     * Removes the repository's link to a blob. Refused while an image of the repository references it: deleting
     * would break that image.
     */
    @Transactional
    public void delete(RepositoryName repositoryName, Digest digest, String actor) {
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
        outbox.append(new RegistryEvent.BlobDeleted(repositoryName.toString(), digest.toString(), actor,
                System.currentTimeMillis()));
    }

    /**
     * A short-lived URL the client may fetch the whole blob from, straight from the object store, when the store
     * hands them out; the download is recorded as if Berth had sent the bytes.
     */
    public Optional<URI> directDownload(RepositoryName repositoryName, BlobInfo blob, String actor) {
        Optional<URI> url = store.downloadUrl(blob.digest(), DIRECT_DOWNLOAD_VALIDITY);
        if (url.isPresent()) {
            readEvents.downloaded(repositoryName, blob.digest().toString(), blob.size(), actor,
                    System.currentTimeMillis());
            metrics.pulled(blob.size());
        }
        return url;
    }

    /**
     * Sends {@code length} bytes of a blob from {@code offset} (call after {@link #stat} allowed it) and records the
     * download with the bytes that went out, also when the client goes away in the middle.
     */
    public void send(RepositoryName repositoryName, Digest digest, long offset, long length, OutputStream out,
                     String actor) throws IOException {
        long sent = 0;
        try (InputStream in = store.open(digest, offset, length)) {
            // A blob moves in few system calls; a small range takes no large buffer.
            byte[] buffer = new byte[(int) Math.min(SEND_BUFFER, Math.max(length, 1))];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                sent += n;
            }
        } finally {
            readEvents.downloaded(repositoryName, digest.toString(), sent, actor, System.currentTimeMillis());
            metrics.pulled(sent);
        }
    }
}
