package io.berth.audit;

import io.berth.events.Published;
import io.berth.registry.RegistryEvent;
import io.berth.registry.RepositoryName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Counts transfers from the delivered events, per account, repository and UTC day: pushes (new images) and the bytes
 * they sent (uploaded blobs and the manifests), pulls and the bytes they took (manifests and downloaded blobs). It
 * writes in the delivery's transaction, so each event is counted exactly once. A mount transfers nothing.
 */
@ApplicationScoped
public class Metering {

    @PersistenceContext
    EntityManager em;

    void count(@Observes Published published) {
        if (published.event() instanceof RegistryEvent.ImagePushed pushed) {
            add(pushed, 1, pushed.manifestBytes(), 0, 0);
        } else if (published.event() instanceof RegistryEvent.BlobUploaded uploaded) {
            add(uploaded, 0, uploaded.size(), 0, 0);
        } else if (published.event() instanceof RegistryEvent.ImagePulled pulled) {
            add(pulled, 0, 0, pulled.pulls(), pulled.bytes());
        } else if (published.event() instanceof RegistryEvent.BlobDownloaded downloaded) {
            add(downloaded, 0, 0, 0, downloaded.bytes());
        }
    }

    private void add(RegistryEvent event, long pushes, long bytesPushed, long pulls, long bytesPulled) {
        RepositoryName name = RepositoryName.parse(event.repository());
        String account = name.accountId();
        String repository = name.name();
        java.sql.Date day = java.sql.Date.valueOf(day(event.at()));
        // One writer (the outbox's delivery, one instance at a time): update, else the day's first row.
        int updated = em.createNativeQuery("UPDATE usage_transfer SET pushes = pushes + ?, bytes_pushed ="
                        + " bytes_pushed + ?, pulls = pulls + ?, bytes_pulled = bytes_pulled + ?"
                        + " WHERE account_id = ? AND repository = ? AND usage_day = ?")
                .setParameter(1, pushes).setParameter(2, bytesPushed).setParameter(3, pulls)
                .setParameter(4, bytesPulled).setParameter(5, account).setParameter(6, repository)
                .setParameter(7, day).executeUpdate();
        if (updated == 0) {
            em.createNativeQuery("INSERT INTO usage_transfer (account_id, repository, usage_day, pushes,"
                            + " bytes_pushed, pulls, bytes_pulled) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .setParameter(1, account).setParameter(2, repository).setParameter(3, day)
                    .setParameter(4, pushes).setParameter(5, bytesPushed).setParameter(6, pulls)
                    .setParameter(7, bytesPulled).executeUpdate();
        }
    }

    static LocalDate day(long epochMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }
}
