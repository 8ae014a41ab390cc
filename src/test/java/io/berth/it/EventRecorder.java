package io.berth.it;

import io.berth.events.DomainEvent;
import io.berth.events.Published;
import io.berth.registry.RegistryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Deployed only with the events test: remembers every event the outbox delivers, in delivery order. */
@ApplicationScoped
public class EventRecorder {

    private final List<Published> delivered = new ArrayList<>();

    void record(@Observes Published published) {
        synchronized (delivered) {
            delivered.add(published);
            delivered.notifyAll();
        }
    }

    public List<Published> deliveries() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    public List<RegistryEvent> forRepository(String repository) {
        return deliveries().stream().map(Published::event).filter(RegistryEvent.class::isInstance)
                .map(RegistryEvent.class::cast).filter(e -> e.repository().equals(repository)).toList();
    }

    /** The repository's events once one matches {@code until} (delivery runs after commit, twice a second). */
    public List<RegistryEvent> awaitForRepository(String repository, Predicate<RegistryEvent> until)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        synchronized (delivered) {
            while (forRepository(repository).stream().noneMatch(until)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new AssertionError("no such event for " + repository + " in 15 s; delivered: "
                            + forRepository(repository));
                }
                delivered.wait(left);
            }
        }
        return forRepository(repository);
    }

    /** The delivered events that match, once there are {@code count} of them (within 15 s). */
    public List<DomainEvent> await(Predicate<DomainEvent> matching, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        synchronized (delivered) {
            while (true) {
                List<DomainEvent> found = deliveries().stream().map(Published::event).filter(matching).toList();
                long left = deadline - System.currentTimeMillis();
                if (found.size() >= count || left <= 0) {
                    return found;
                }
                delivered.wait(left);
            }
        }
    }
}
