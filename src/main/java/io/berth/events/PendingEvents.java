package io.berth.events;

import java.util.List;

/**
 * Events held in memory until {@link EventTimers} writes them to the outbox, at least once a second: for what happens
 * too often to cost a write each (reads). Beans implementing it are found by CDI.
 */
public interface PendingEvents {

    /** Takes up to {@code max} of the waiting events; what is taken is no longer held. */
    List<DomainEvent> take(int max);

    /** Holds again events that were taken but could not be written (the database is down), for the next flush. */
    void restore(List<DomainEvent> events);
}
