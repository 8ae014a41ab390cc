package io.berth.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/** Where the domain writes its events: in the transaction of the change, or not at all. */
@ApplicationScoped
public class Outbox {

    @PersistenceContext
    EntityManager em;

    /** Adds an event to the caller's transaction: it is delivered if and only if that transaction commits. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(DomainEvent event) {
        em.persist(new OutboxEvent(event.at(), EventCodec.type(event), EventCodec.write(event)));
    }

    /** Adds events that changed nothing (reads), in a transaction of their own. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void appendAll(List<? extends DomainEvent> events) {
        for (DomainEvent event : events) {
            append(event);
        }
    }
}
