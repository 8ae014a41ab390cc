package io.berth.registry;

import io.berth.events.Outbox;
import io.berth.platform.RegistryMetrics;
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

    @Transactional
    public void received(String uploadId, long size) {
        Upload upload = em.find(Upload.class, uploadId);
        if (upload != null) {
            upload.received(size, System.currentTimeMillis());
        }
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
    public void completed(RepositoryName repositoryName, String uploadId, Digest digest, long size, String actor) {
        Repository repository = repositories.require(repositoryName);
        Upload upload = em.find(Upload.class, uploadId);
        if (upload != null) {
            metrics.uploadCompleted(Duration.ofMillis(System.currentTimeMillis() - upload.startedAt()));
        }
        metrics.pushed(size);
        blobs.recordUpload(uploadId, digest, size);
        blobs.link(repository, digest);
        delete(uploadId);
        outbox.append(new RegistryEvent.BlobUploaded(repositoryName.toString(), digest.toString(), size, actor,
                System.currentTimeMillis()));
    }
}
