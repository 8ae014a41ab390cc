package io.berth.registry;

import io.berth.events.Outbox;
import io.berth.platform.RegistryMetrics;
import io.berth.storage.BlobStore;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;

/** The short database transactions around an upload; the bytes themselves stream outside any transaction. */
@ApplicationScoped
public class UploadRecords {

    /**
     * How long a claim holds without being renewed; a chunk being written renews it every
     * {@link #CLAIM_RENEWAL}, so only a claim whose instance died lapses, and its upload can go on after this.
     */
    static final Duration CLAIM_TERM = Duration.ofMinutes(2);
    static final Duration CLAIM_RENEWAL = Duration.ofSeconds(30);

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    @Inject
    Blobs blobs;

    @Inject
    Outbox outbox;

    @Inject
    RegistryMetrics metrics;

    @Transactional
    public Upload create(RepositoryName repositoryName, String uploadId, String actor) {
        Repository repository = repositories.forPush(repositoryName, actor);
        Upload upload = new Upload(uploadId, repository.id(), System.currentTimeMillis());
        em.persist(upload);
        return upload;
    }

    /** The upload, if it exists and belongs to this repository; BLOB_UPLOAD_UNKNOWN otherwise. */
    @Transactional
    public Upload require(RepositoryName repositoryName, String uploadId) {
        Repository repository = repositories.require(repositoryName);
        Upload upload = em.find(Upload.class, uploadId);
        if (upload == null || !upload.repositoryId().equals(repository.id())) {
            throw new RegistryException(Problem.BLOB_UPLOAD_UNKNOWN, "blob upload unknown to registry", uploadId);
        }
        return upload;
    }

    /**
     * Claims an upload standing at {@code received} for one request to write to; false when it has moved on or
     * another request is writing. A claim older than {@link #CLAIM_TERM} (its instance died) may be taken over.
     */
    @Transactional
    public boolean claim(String uploadId, long received, String claim) {
        long now = System.currentTimeMillis();
        return em.createQuery("UPDATE Upload u SET u.writer = :claim, u.touchedAt = :now WHERE u.id = :id"
                        + " AND u.received = :received AND (u.writer IS NULL OR u.touchedAt < :stale)")
                .setParameter("claim", claim).setParameter("now", now).setParameter("id", uploadId)
                .setParameter("received", received).setParameter("stale", now - CLAIM_TERM.toMillis())
                .executeUpdate() == 1;
    }

    /** Renews a claim while its chunk is written; false when it was taken over. */
    @Transactional
    public boolean renew(String uploadId, String claim) {
        return em.createQuery("UPDATE Upload u SET u.touchedAt = :now WHERE u.id = :id AND u.writer = :claim")
                .setParameter("now", System.currentTimeMillis()).setParameter("id", uploadId)
                .setParameter("claim", claim).executeUpdate() == 1;
    }

    /** Records a chunk written under {@code claim} and ends the claim; false when the claim was taken over. */
    @Transactional
    public boolean appended(String uploadId, String claim, BlobStore.UploadProgress progress, String receivedSha256) {
        return em.createQuery("UPDATE Upload u SET u.received = :received, u.storeState = :state,"
                        + " u.receivedSha256 = :sha256, u.writer = NULL, u.touchedAt = :now"
                        + " WHERE u.id = :id AND u.writer = :claim")
                .setParameter("received", progress.size()).setParameter("state", progress.state())
                .setParameter("sha256", receivedSha256).setParameter("now", System.currentTimeMillis())
                .setParameter("id", uploadId).setParameter("claim", claim)
                .executeUpdate() == 1;
    }

    /** Ends a claim whose chunk failed; the upload stays where it was. */
    @Transactional
    public void release(String uploadId, String claim) {
        em.createQuery("UPDATE Upload u SET u.writer = NULL WHERE u.id = :id AND u.writer = :claim")
                .setParameter("id", uploadId).setParameter("claim", claim).executeUpdate();
    }

    @Transactional
    public void delete(String uploadId) {
        Upload upload = em.find(Upload.class, uploadId);
        if (upload != null) {
            em.remove(upload);
        }
    }

    /**
     * The upload's digest is verified: publish its bytes as the blob, record and link it, and end the upload, in one
     * transaction.
     */
    @Transactional
    public void completed(RepositoryName repositoryName, String uploadId, BlobStore.UploadProgress sealed,
                          Digest digest, String actor) {
        long size = sealed.size();
        Repository repository = repositories.require(repositoryName);
        Upload upload = em.find(Upload.class, uploadId);
        if (upload != null) {
            metrics.uploadCompleted(Duration.ofMillis(System.currentTimeMillis() - upload.startedAt()));
        }
        metrics.pushed(size);
        blobs.recordUpload(uploadId, sealed, digest);
        blobs.link(repository, digest);
        delete(uploadId);
        outbox.append(new RegistryEvent.BlobUploaded(repositoryName.toString(), digest.toString(), size, actor,
                System.currentTimeMillis()));
    }
}
