package io.berth.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * The transactions of delivery. Observers run in the transaction that deletes the events they were given, so what an
 * observer writes to the database commits exactly once with the delivery; anything else it does (a webhook call) may
 * be repeated and must be idempotent.
 */
@ApplicationScoped
class OutboxDeliveries {

    /** An event whose delivery failed this often is set aside (and logged) so that the rest can go on. */
    static final int MAX_ATTEMPTS = 10;

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<Published> published;

    /** The ids of the next events to deliver, oldest first. */
    @Transactional
    List<Long> next(int max) {
        return em.createQuery("SELECT e.id FROM OutboxEvent e WHERE e.attempts < :max ORDER BY e.id", Long.class)
                .setParameter("max", MAX_ATTEMPTS).setMaxResults(max).getResultList();
    }

    /** Delivers the events and deletes them, all or none. */
    @Transactional
    void deliver(List<Long> ids) {
        List<OutboxEvent> events = em.createQuery("SELECT e FROM OutboxEvent e WHERE e.id IN :ids ORDER BY e.id",
                OutboxEvent.class).setParameter("ids", ids).getResultList();
        for (OutboxEvent event : events) {
            published.fire(new Published(event.id(), EventCodec.read(event.type(), event.payload())));
        }
        // One statement for the batch, not one per event.
        em.createQuery("DELETE FROM OutboxEvent e WHERE e.id IN :ids").setParameter("ids", ids).executeUpdate();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    int failed(long id, Exception error) {
        OutboxEvent event = em.find(OutboxEvent.class, id);
        if (event == null) {
            return 0;
        }
        event.failed(error.toString());
        return event.attempts();
    }

    /** Milliseconds since the oldest event waiting was written (0 when none waits): how far observers lag. */
    @Transactional
    long lag(long now) {
        Long oldest = em.createQuery("SELECT MIN(e.occurredAt) FROM OutboxEvent e", Long.class).getSingleResult();
        return oldest == null ? 0 : Math.max(0, now - oldest);
    }
}
