package io.berth.events;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** An event waiting for delivery; deleted once every observer has had it. */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent {

    /**
     * From a sequence taken one value at a time: a change takes its repository's lock before it writes its event, so
     * within a repository the numbers follow the commits (a pre-allocated block per instance would not).
     */
    @Id
    @SequenceGenerator(name = "outbox_seq", sequenceName = "outbox_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "outbox_seq")
    private Long id;

    @Column(name = "occurred_at")
    private long occurredAt;

    /** The event's class. */
    private String type;

    private String payload;

    private int attempts;

    @Column(name = "last_error")
    private String lastError;

    protected OutboxEvent() {
    }

    OutboxEvent(long occurredAt, String type, String payload) {
        this.occurredAt = occurredAt;
        this.type = type;
        this.payload = payload;
    }

    public long id() {
        return id;
    }

    public long occurredAt() {
        return occurredAt;
    }

    String type() {
        return type;
    }

    String payload() {
        return payload;
    }

    int attempts() {
        return attempts;
    }

    void failed(String error) {
        attempts++;
        lastError = error == null ? null : error.substring(0, Math.min(error.length(), 1000));
    }
}
