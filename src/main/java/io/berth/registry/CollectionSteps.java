package io.berth.registry;

import io.berth.storage.BlobStore;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The transactions of one garbage collection run, each short: {@link BlobCollector} strings them together. */
@ApplicationScoped
class CollectionSteps {

    @PersistenceContext
    EntityManager em;

    @Inject
    BlobStore store;

    /** A blob claimed for deletion, with its size. */
    record Claimed(String digest, long size) {
    }

    @Transactional
    public CollectionReport start(String owner, long now) {
        // Only the lease holder collects: a run still RUNNING here ended with its instance.
        em.createNativeQuery("UPDATE collection_run SET state = ?, phase = 'done', message = ? WHERE state = ?")
                .setParameter(1, CollectionReport.FAILED)
                .setParameter(2, "interrupted: its instance stopped during the run; this run finishes its work")
                .setParameter(3, CollectionReport.RUNNING).executeUpdate();
        // One run at a time holds the collection lease, so the next id is free (the primary key checks it).
        long id = number(em.createNativeQuery("SELECT COALESCE(MAX(id), 0) + 1 FROM collection_run")
                .getSingleResult());
        long stored = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM blob").getSingleResult()).longValue();
        CollectionReport report = new CollectionReport(id, CollectionReport.RUNNING, "starting", owner, now, null,
                stored, 0, 0, 0, 0, null);
        em.createNativeQuery("INSERT INTO collection_run (id, state, phase, owner, started_at, blobs_stored,"
                        + " blobs_unreferenced, blobs_deleted, bytes_deleted, uploads_deleted) VALUES (?, ?, ?, ?, ?, ?,"
                        + " 0, 0, 0, 0)")
                .setParameter(1, id).setParameter(2, report.state()).setParameter(3, report.phase())
                .setParameter(4, owner).setParameter(5, now).setParameter(6, stored).executeUpdate();
        return report;
    }

    /** Saves a run's progress; {@code finished_at} is cast because a null bound alone has no SQL type on PostgreSQL. */
    @Transactional
    public void save(CollectionReport report) {
        em.createNativeQuery("UPDATE collection_run SET state = ?, phase = ?, finished_at = CAST(? AS BIGINT), blobs_unreferenced = ?,"
                        + " blobs_deleted = ?, bytes_deleted = ?, uploads_deleted = ?, message = ? WHERE id = ?")
                .setParameter(1, report.state()).setParameter(2, report.phase())
                .setParameter(3, report.finishedAt()).setParameter(4, report.blobsUnreferenced())
                .setParameter(5, report.blobsDeleted()).setParameter(6, report.bytesDeleted())
                .setParameter(7, report.uploadsDeleted()).setParameter(8, report.message())
                .setParameter(9, report.id()).executeUpdate();
    }

    /** The latest runs, newest first. */
    @Transactional
    public List<CollectionReport> latest(int limit) {
        List<CollectionReport> reports = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT id, state, phase, owner, started_at, finished_at, blobs_stored,"
                        + " blobs_unreferenced, blobs_deleted, bytes_deleted, uploads_deleted, message"
                        + " FROM collection_run ORDER BY id DESC")
                .setMaxResults(limit).getResultList()) {
            Object[] c = (Object[]) row;
            reports.add(new CollectionReport(number(c[0]), (String) c[1], (String) c[2], (String) c[3],
                    number(c[4]), c[5] == null ? null : number(c[5]), number(c[6]), number(c[7]), number(c[8]),
                    number(c[9]), number(c[10]), (String) c[11]));
        }
        return reports;
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    /** Up to {@code limit} blobs after {@code after} (digest order) in {@code state}, and for LIVE, unreferenced. */
    @Transactional
    public List<String> page(String state, String after, int limit) {
        String unreferenced = state.equals(Blob.LIVE)
                ? " AND NOT EXISTS (SELECT 1 FROM image_reference r WHERE r.digest = b.digest)" : "";
        List<?> rows = em.createNativeQuery("SELECT b.digest FROM blob b WHERE b.state = ? AND b.digest > ?"
                        + unreferenced + " ORDER BY b.digest")
                .setParameter(1, state).setParameter(2, after).setMaxResults(limit).getResultList();
        return rows.stream().map(String.class::cast).toList();
    }

    /**
     * Claims the blobs (digest order) that are still unreferenced and untouched since {@code cutoff}, checked only
     * after each row is locked; see the argument in {@link Blobs}. Claimed blobs lose their repository links.
     */
    @Transactional
    public List<Claimed> claim(List<String> digests, long cutoff) {
        List<Claimed> claimed = new ArrayList<>();
        for (String digest : digests) {
            Blob blob = em.find(Blob.class, digest, LockModeType.PESSIMISTIC_WRITE);
            if (blob == null || !blob.idleSince(cutoff) || referenced(digest)) {
                continue;
            }
            em.createNativeQuery("DELETE FROM repository_blob WHERE digest = ?").setParameter(1, digest)
                    .executeUpdate();
            blob.claimForDeletion();
            claimed.add(new Claimed(digest, blob.size()));
        }
        return claimed;
    }

    private boolean referenced(String digest) {
        return !em.createNativeQuery("SELECT 1 FROM image_reference WHERE digest = ?").setParameter(1, digest)
                .setMaxResults(1).getResultList().isEmpty();
    }

    /**
     * Deletes the files and rows of claimed blobs (digest order) under their row locks, so that an upload of the
     * same bytes waits and then publishes its own copy. A blob an upload brought back meanwhile (LIVE again) stays.
     * A crash after a file went and before the commit leaves the row DELETING: the next run deletes it.
     */
    @Transactional
    public List<Claimed> sweep(List<String> digests) {
        List<Claimed> deleted = new ArrayList<>();
        for (String digest : digests) {
            Blob blob = em.find(Blob.class, digest, LockModeType.PESSIMISTIC_WRITE);
            if (blob == null || !blob.deleting()) {
                continue;
            }
            try {
                store.delete(Digest.parse(digest));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            em.remove(blob);
            deleted.add(new Claimed(digest, blob.size()));
        }
        return deleted;
    }

    /** Those of the digests that no blob row names. */
    @Transactional
    public List<String> withoutRows(List<String> digests) {
        List<String> rows = em.createQuery("SELECT b.digest FROM Blob b WHERE b.digest IN :digests", String.class)
                .setParameter("digests", digests).getResultList();
        List<String> orphans = new ArrayList<>(digests);
        orphans.removeAll(rows);
        return orphans;
    }

    /**
     * Claims a file that no row names (an upload's, whose transaction did not commit after the file was published)
     * by inserting its row as DELETING; the sweep then deletes it. An upload publishing the same blob right now has
     * inserted its row first and not committed yet: this insert fails on the key, and the file stays.
     */
    @Transactional
    public void claimOrphan(String digest, long size) {
        if (em.find(Blob.class, digest, LockModeType.PESSIMISTIC_WRITE) == null) {
            Blob orphan = new Blob(digest, size, System.currentTimeMillis());
            orphan.claimForDeletion();
            em.persist(orphan);
            em.flush();
        }
    }

    /** Uploads untouched since {@code cutoff}. */
    @Transactional
    public List<String> abandonedUploads(long cutoff, int limit) {
        return em.createQuery("SELECT u.id FROM Upload u WHERE u.touchedAt < :cutoff ORDER BY u.id", String.class)
                .setParameter("cutoff", cutoff).setMaxResults(limit).getResultList();
    }

    @Transactional
    public void deleteUpload(String uploadId) {
        Upload upload = em.find(Upload.class, uploadId);
        if (upload != null) {
            em.remove(upload);
        }
        try {
            store.deleteUpload(uploadId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
