package io.berth.console;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditRecord;
import jakarta.json.JsonObject;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;

/**
 * One audit record as the console lists it: when, what, who, on what, from where, whether it failed, and the whole
 * CloudTrail event, indented for reading.
 */
record Activity(String time, String event, String user, String resource, String error, String sourceIp,
                String userAgent, String eventId, String json) {

    private static final JsonWriterFactory INDENTED = JSON.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING,
            true));

    static Activity of(AuditRecord record) {
        JsonObject json = JSON.createReader(new StringReader(record.json())).readObject();
        StringWriter indented = new StringWriter();
        INDENTED.createWriter(indented).write(json);
        return new Activity(Format.time(record.time()), record.eventName(),
                record.userName() == null ? "" : record.userName(),
                record.resourceName() == null ? "" : record.resourceName(),
                record.errorCode() == null ? "" : record.errorCode(),
                json.getString("sourceIPAddress", ""), json.getString("userAgent", ""), record.eventId(),
                indented.toString().strip());
    }
}
