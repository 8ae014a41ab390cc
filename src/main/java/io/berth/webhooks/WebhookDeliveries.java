package io.berth.webhooks;

import io.berth.platform.TextColumn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The transactions of sending: taking due deliveries, and recording each attempt's outcome. */
@ApplicationScoped
class WebhookDeliveries {

    @PersistenceContext
    EntityManager em;

    @Inject
    @ConfigProperty(name = "berth.webhook.max.attempts", defaultValue = "8")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "berth.webhook.backoff.seconds", defaultValue = "2")
    long backoffSeconds;

    record Due(long id, String url, String secret, String payload, int attempts) {
    }

    /** The due deliveries, oldest first; each is put off by a minute so that a crash mid-send sends it again. */
    @Transactional
    List<Due> due(long now, int max) {
        List<?> rows = em.createNativeQuery("SELECT d.id, w.url, w.secret, d.payload, d.attempts FROM"
                        + " webhook_delivery d JOIN webhook w ON w.id = d.webhook_id WHERE d.state = 'PENDING'"
                        + " AND d.next_attempt_at <= ? ORDER BY d.id")
                .setParameter(1, now).setMaxResults(max).getResultList();
        List<Due> due = rows.stream().map(row -> {
            Object[] r = (Object[]) row;
            return new Due(((Number) r[0]).longValue(), (String) r[1], (String) r[2], TextColumn.read(r[3]),
                    ((Number) r[4]).intValue());
        }).toList();
        for (Due delivery : due) {
            em.createNativeQuery("UPDATE webhook_delivery SET next_attempt_at = ? WHERE id = ?")
                    .setParameter(1, now + 60_000).setParameter(2, delivery.id()).executeUpdate();
        }
        return due;
    }

    /** An attempt's outcome: DELIVERED on 2xx, else due again after the backoff, or DEAD after the last attempt. */
    @Transactional
    void record(Due delivery, Integer status, String error, long now) {
        int attempts = delivery.attempts() + 1;
        boolean delivered = status != null && status >= 200 && status < 300;
        String state = delivered ? "DELIVERED" : attempts >= maxAttempts ? "DEAD" : "PENDING";
        long backoff = Math.min(3600_000L, backoffSeconds * 1000L << Math.min(attempts - 1, 20));
        String lastError = error != null ? error : delivered ? null : "HTTP " + status;
        // The casts give a null its column's type: PostgreSQL takes an untyped null for text.
        em.createNativeQuery("UPDATE webhook_delivery SET state = ?, attempts = ?, next_attempt_at = ?,"
                        + " last_status = CAST(? AS INTEGER), last_error = ?, delivered_at = CAST(? AS BIGINT)"
                        + " WHERE id = ?")
                .setParameter(1, state).setParameter(2, attempts).setParameter(3, now + backoff)
                .setParameter(4, status).setParameter(5, lastError == null ? null
                        : lastError.substring(0, Math.min(1000, lastError.length())))
                .setParameter(6, delivered ? now : null).setParameter(7, delivery.id()).executeUpdate();
    }
}
