package io.berth.events;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** Events as outbox rows: the record's class and its JSON (JSON-B writes and reads records as they are). */
final class EventCodec {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private EventCodec() {
    }

    static String type(DomainEvent event) {
        return event.getClass().getName();
    }

    static String write(DomainEvent event) {
        return JSONB.toJson(event);
    }

    /** Reads a row back; only event records are ever instantiated from a stored class name. */
    static DomainEvent read(String type, String payload) {
        Class<?> recordClass;
        try {
            recordClass = Class.forName(type, false, EventCodec.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown event type " + type, e);
        }
        if (!recordClass.isRecord() || !DomainEvent.class.isAssignableFrom(recordClass)) {
            throw new IllegalArgumentException("not an event type: " + type);
        }
        return (DomainEvent) JSONB.fromJson(payload, recordClass);
    }
}
