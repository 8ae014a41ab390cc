package io.berth.events;

/**
 * A committed event as observers receive it (CDI {@code @Observes Published}): at least once, in commit order for
 * each repository. {@code sequence} is the event's outbox number, unique for good, so that an observer can tell a
 * delivery it has seen before.
 */
public record Published(long sequence, DomainEvent event) {
}
