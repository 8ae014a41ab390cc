package io.berth.it;

import io.berth.registry.RegistryEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/** Deployed only with the events test: remembers every registry event the domain fires. */
@ApplicationScoped
public class EventRecorder {

    private final List<RegistryEvent> events = new ArrayList<>();

    void record(@Observes RegistryEvent event) {
        synchronized (events) {
            events.add(event);
        }
    }

    public List<RegistryEvent> forRepository(String repository) {
        synchronized (events) {
            return events.stream().filter(e -> e.repository().equals(repository)).toList();
        }
    }
}
