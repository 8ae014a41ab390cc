package io.berth.events;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Events of reads (a manifest pulled, a blob downloaded), held in memory and written to the outbox in batches by
 * {@link EventTimers} at least once a second, so that a pull never waits for a write. A crash loses at most the
 * events of the last second; past {@link #CAPACITY} waiting events (the database is down), new ones are counted and
 * dropped rather than filling the heap.
 */
@ApplicationScoped
public class ReadEvents {

    static final int CAPACITY = 100_000;

    private final ConcurrentLinkedQueue<DomainEvent> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    public void record(DomainEvent event) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        waiting.add(event);
    }

    /** Takes up to {@code max} waiting events, oldest first. */
    List<DomainEvent> take(int max) {
        List<DomainEvent> taken = new ArrayList<>();
        for (DomainEvent event; taken.size() < max && (event = waiting.poll()) != null; ) {
            size.decrementAndGet();
            taken.add(event);
        }
        return taken;
    }

    /** Events dropped since the start because too many were waiting. */
    public long dropped() {
        return dropped.get();
    }
}
