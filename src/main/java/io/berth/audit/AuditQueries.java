package io.berth.audit;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Reads the audit trail: lookups as CloudTrail's LookupEvents makes them, verification of the chain, export. */
@ApplicationScoped
public class AuditQueries {

    /** CloudTrail's lookup attributes and the columns that hold them. */
    public static final Map<String, String> ATTRIBUTES = Map.of(
            "EventId", "event_id", "EventName", "event_name", "ReadOnly", "read_only", "Username", "user_name",
            "ResourceType", "resource_type", "ResourceName", "resource_name", "EventSource", "event_source",
            "AccessKeyId", "access_key_id");

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "berth.audit.retention.days", defaultValue = "90")
    int retentionDays;

    /** A record as a lookup lists it. */
    public record Found(long id, String eventId, String eventName, boolean readOnly, String accessKeyId, long time,
                        String eventSource, String userName, String resourceType, String resourceName,
                        String json) {
    }

    /** Where a page ended: the last record's time and id (records are listed newest first). */
    public record Position(long time, long id) {
    }

    /**
     * An account's records from {@code start} to {@code end} (epoch millis, both included), newest first, optionally
     * where one attribute (a key of {@link #ATTRIBUTES}) has a value; at most {@code max}, after {@code after}.
     */
    public List<Found> lookup(String accountId, String attribute, String value, long start, long end, int max,
                              Position after) {
        StringBuilder sql = new StringBuilder("SELECT id, event_id, event_name, read_only, access_key_id,"
                + " event_time, event_source, user_name, resource_type, resource_name, record FROM audit_record"
                + " WHERE account_id = ? AND event_time >= ? AND event_time <= ?");
        if (attribute != null) {
            sql.append(" AND ").append(ATTRIBUTES.get(attribute)).append(" = ?");
        }
        // An event id is indexed through its time (UUID v7): the record was made in that millisecond.
        OptionalLong idTime = "EventId".equals(attribute) ? TimeOrderedIds.millisOf(value) : OptionalLong.empty();
        if (idTime.isPresent()) {
            sql.append(" AND event_time = ?");
        }
        if (after != null) {
            sql.append(" AND (event_time < ? OR (event_time = ? AND id < ?))");
        }
        sql.append(" ORDER BY event_time DESC, id DESC");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql.toString())) {
            int i = 0;
            query.setString(++i, accountId);
            query.setLong(++i, start);
            query.setLong(++i, end);
            if (attribute != null) {
                if (attribute.equals("ReadOnly")) {
                    query.setBoolean(++i, Boolean.parseBoolean(value));
                } else {
                    query.setString(++i, value);
                }
            }
            if (idTime.isPresent()) {
                query.setLong(++i, idTime.getAsLong());
            }
            if (after != null) {
                query.setLong(++i, after.time());
                query.setLong(++i, after.time());
                query.setLong(++i, after.id());
            }
            query.setMaxRows(max);
            List<Found> found = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(new Found(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getBoolean(4),
                            rows.getString(5), rows.getLong(6), rows.getString(7), rows.getString(8),
                            rows.getString(9), rows.getString(10), rows.getString(11)));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("looking up audit records failed", e);
        }
    }

    /** What a verification found: how many records it checked and the first that does not match, if any. */
    public record Verification(long checked, String firstMismatch, String reason) {
        public boolean valid() {
            return firstMismatch == null;
        }
    }

    /**
     * Checks the chain over the records from {@code start} to {@code end}: each record's hash must be the hash of
     * its previous hash and its JSON, and its previous hash the hash of the record before it. Names the first record
     * that does not match (its event id), as CloudTrail's log file validation does.
     */
    public Verification verify(long start, long end) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT id, event_id, record, previous_hash, hash"
                     + " FROM audit_record WHERE id >= (SELECT COALESCE(MIN(id), 0) FROM audit_record"
                     + " WHERE event_time >= ?) AND event_time <= ? ORDER BY id")) {
            query.setLong(1, start);
            query.setLong(2, end);
            query.setFetchSize(500);
            long checked = 0;
            long previousId = -1;
            String previousHash = null;
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong(1);
                    String eventId = rows.getString(2);
                    String stored = rows.getString(5);
                    String claimedPrevious = rows.getString(4);
                    if (previousHash != null && id != previousId + 1) {
                        return new Verification(checked, eventId, "the record before it is missing");
                    }
                    if (previousHash != null && !previousHash.equals(claimedPrevious)) {
                        return new Verification(checked, eventId, "it does not follow the record before it");
                    }
                    if (!AuditWriter.chain(claimedPrevious, rows.getString(3)).equals(stored)) {
                        return new Verification(checked, eventId, "its content does not match its hash");
                    }
                    checked++;
                    previousId = id;
                    previousHash = stored;
                }
            }
            return new Verification(checked, null, null);
        } catch (SQLException e) {
            throw new IllegalStateException("verifying the audit trail failed", e);
        }
    }

    /** Writes the records from {@code start} to {@code end} as JSON Lines, oldest first. */
    public long export(long start, long end, Writer out) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT record FROM audit_record"
                     + " WHERE event_time >= ? AND event_time <= ? ORDER BY id")) {
            query.setLong(1, start);
            query.setLong(2, end);
            query.setFetchSize(500);
            long written = 0;
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.write(rows.getString(1));
                    out.write('\n');
                    written++;
                }
            }
            out.flush();
            return written;
        } catch (SQLException e) {
            throw new IllegalStateException("exporting the audit trail failed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes records older than the retention ({@code BERTH_AUDIT_RETENTION_DAYS}); returns how many. */
    public int prune(long now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(
                     "DELETE FROM audit_record WHERE event_time < ?")) {
            delete.setLong(1, now - retentionDays * 24L * 3600 * 1000);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("pruning the audit trail failed", e);
        }
    }
}
