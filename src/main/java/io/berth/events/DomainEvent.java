package io.berth.events;

/**
 * Something that happened, as the domain announces it: written to the outbox in the transaction that made the change
 * (so that a change rolled back announces nothing), and delivered to observers after commit as {@link Published}.
 * Implementations are records that JSON-B can write and read back.
 */
public interface DomainEvent {

    /** The account it happened in. */
    String accountId();

    /** Who did it: the authenticated principal's name, or a job's name ({@code lifecycle}, …). */
    String actor();

    /** When, in epoch milliseconds. */
    long at();
}
