package io.berth.console;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditRecord;
import jakarta.json.JsonObject;
import java.io.StringReader;

/** One audit record as the dashboard lists it: when, what, who, on what, from where, and whether it failed. */
record Activity(String time, String event, String user, String resource, String error, String sourceIp,
                String userAgent) {

    static Activity of(AuditRecord record) {
        JsonObject json = JSON.createReader(new StringReader(record.json())).readObject();
        return new Activity(Format.time(record.time()), record.eventName(),
                record.userName() == null ? "" : record.userName(),
                record.resourceName() == null ? "" : record.resourceName(),
                record.errorCode() == null ? "" : record.errorCode(),
                json.getString("sourceIPAddress", ""), json.getString("userAgent", ""));
    }
}
