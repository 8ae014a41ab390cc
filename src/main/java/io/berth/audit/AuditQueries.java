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
import java.util.OptionalLong;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Reads the audit trail: lookups as CloudTrail's LookupEvents makes them, verification of the chain, export. */
@ApplicationScoped
public class AuditQueries {

    private static final Logger LOG = Logger.getLogger(AuditQueries.class.getName());

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "berth.audit.retention.days", defaultValue = "90")
    int retentionDays;

    /** A record as a lookup lists it: its number in the chain and what it says. */
    public record Found(long id, AuditRecord record) {
    }

    /** Where a page of results ended: the last record's number (records are listed newest first). */
    public record Position(long id) {
    }

    /**
     * An account's records from {@code start} to {@code end} (epoch millis, both included), newest first, optionally
     * where one of CloudTrail's lookup attributes has a value; at most {@code max}, after {@code after}. Reads
     * the pages that the page index says hold the account's records with that value, newest first.
     */
    public List<Found> lookup(String accountId, String attribute, String value, long start, long end, int max,
                              Position after) {
        String indexed = attribute == null || attribute.equals("EventId") ? AuditPages.ANY : attribute;
        // An event id is found through its time (UUID v7): the record was made in that millisecond.
        OptionalLong idTime = "EventId".equals(attribute) ? TimeOrderedIds.millisOf(value) : OptionalLong.empty();
        long from = Math.max(start, idTime.orElse(start));
        long to = Math.min(end, idTime.orElse(end));
        String sql = "SELECT p.id, p.records FROM audit_page_key k JOIN audit_page p ON p.id = k.page_id"
                + " WHERE k.account_id = ? AND k.attribute = ? AND k.attribute_value = ? AND p.max_time >= ?"
                + " AND p.min_time <= ?" + (after != null ? " AND k.page_id < ?" : "") + " ORDER BY k.page_id DESC";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, accountId);
            query.setString(2, indexed);
            query.setString(3, indexed.equals(AuditPages.ANY) ? "" : AuditPages.indexed(value));
            query.setLong(4, from);
            query.setLong(5, to);
            if (after != null) {
                query.setLong(6, after.id());
            }
            // Pages are large: a few at a time, and no more than the results need.
            query.setFetchSize(2);
            List<Found> found = new ArrayList<>();
            try (ResultSet pages = query.executeQuery()) {
                while (found.size() < max && pages.next()) {
                    List<AuditPages.Line> lines = AuditPages.lines(pages.getLong(1), pages.getBytes(2));
                    for (int i = lines.size() - 1; i >= 0 && found.size() < max; i--) {
                        AuditPages.Line line = lines.get(i);
                        if ((after == null || line.number() < after.id()) && line.time() >= from
                                && line.time() <= to) {
                            AuditRecord record = read(line);
                            if (record != null && accountId.equals(record.accountId())
                                    && matches(record, attribute, value)) {
                                found.add(new Found(line.number(), record));
                            }
                        }
                    }
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("looking up audit records failed", e);
        }
    }

    /** A stored record, or null (and a warning) for a line that is not one: the verification names it. */
    private static AuditRecord read(AuditPages.Line line) {
        try {
            return AuditRecord.read(line.json(), line.time());
        } catch (RuntimeException notARecord) {
            LOG.warning(() -> "audit record " + line.number() + " is not a record as written (" + notARecord
                    + "); run the verification");
            return null;
        }
    }

    private static boolean matches(AuditRecord record, String attribute, String value) {
        if (attribute == null) {
            return true;
        }
        String actual = switch (attribute) {
            case "EventId" -> record.eventId();
            case "EventName" -> record.eventName();
            case "ReadOnly" -> Boolean.toString(record.readOnly());
            case "Username" -> record.userName();
            case "ResourceType" -> record.resourceType();
            case "ResourceName" -> record.resourceName();
            case "EventSource" -> record.eventSource();
            case "AccessKeyId" -> record.accessKeyId();
            default -> null;
        };
        return value.equals(actual);
    }

    /** What a verification found: how many records it checked and the first that does not match, if any. */
    public record Verification(long checked, String firstMismatch, String reason) {
        public boolean valid() {
            return firstMismatch == null;
        }
    }

    /**
     * Checks the chain over the records from {@code start} to {@code end} (whole pages): each record's hash must be
     * the hash of the record before it and its own JSON, and no record may be missing between them. Names the first
     * record that does not match (its event id), as CloudTrail's log file validation does.
     */
    public Verification verify(long start, long end) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT id, previous_hash, records"
                     + " FROM audit_page WHERE id >= (SELECT COALESCE(MIN(id), 0) FROM audit_page"
                     + " WHERE max_time >= ?) AND min_time <= ? ORDER BY id")) {
            query.setLong(1, start);
            query.setLong(2, end);
            query.setFetchSize(2);
            long checked = 0;
            long next = -1;
            String previousHash = null;
            try (ResultSet pages = query.executeQuery()) {
                while (pages.next()) {
                    long first = pages.getLong(1);
                    List<AuditPages.Line> lines = AuditPages.lines(first, pages.getBytes(3));
                    if (previousHash == null) {
                        previousHash = pages.getString(2);
                    } else if (first != next) {
                        return new Verification(checked, eventId(lines, 0), "the record before it is missing");
                    }
                    for (int i = 0; i < lines.size(); i++) {
                        AuditPages.Line line = lines.get(i);
                        if (!AuditWriter.chain(previousHash, line.json()).equals(line.hash())) {
                            return new Verification(checked, eventId(lines, i),
                                    "it does not match its hash (its content or the record before it changed)");
                        }
                        checked++;
                        previousHash = line.hash();
                    }
                    next = first + lines.size();
                }
            }
            return new Verification(checked, null, null);
        } catch (SQLException e) {
            throw new IllegalStateException("verifying the audit trail failed", e);
        }
    }

    /** The event id of a page's record, or its number when the record is not JSON with an id. */
    private static String eventId(List<AuditPages.Line> lines, int index) {
        if (lines.isEmpty()) {
            return "";
        }
        AuditPages.Line line = lines.get(Math.max(0, index));
        try {
            return AuditRecord.read(line.json(), line.time()).eventId();
        } catch (RuntimeException notJson) {
            return "record " + line.number();
        }
    }

    /** Writes the records from {@code start} to {@code end} as JSON Lines, oldest first. */
    public long export(long start, long end, Writer out) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT id, records FROM audit_page"
                     + " WHERE id >= (SELECT COALESCE(MIN(id), 0) FROM audit_page WHERE max_time >= ?)"
                     + " AND min_time <= ? ORDER BY id")) {
            query.setLong(1, start);
            query.setLong(2, end);
            query.setFetchSize(2);
            long written = 0;
            try (ResultSet pages = query.executeQuery()) {
                while (pages.next()) {
                    for (AuditPages.Line line : AuditPages.lines(pages.getLong(1), pages.getBytes(2))) {
                        if (line.time() >= start && line.time() <= end) {
                            out.write(line.json());
                            out.write('\n');
                            written++;
                        }
                    }
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

    /**
     * Removes records older than the retention ({@code BERTH_AUDIT_RETENTION_DAYS}): the pages before the first one
     * that holds a record to keep, and their index; returns how many records.
     */
    public long prune(long now) {
        long cutoff = now - retentionDays * 24L * 3600 * 1000;
        try (Connection connection = dataSource.getConnection()) {
            long keep;
            try (PreparedStatement first = connection.prepareStatement("SELECT COALESCE((SELECT MIN(id)"
                    + " FROM audit_page WHERE max_time >= ?), (SELECT COALESCE(MAX(id), 0) + 1 FROM audit_page))")) {
                first.setLong(1, cutoff);
                try (ResultSet row = first.executeQuery()) {
                    row.next();
                    keep = row.getLong(1);
                }
            }
            long records;
            try (PreparedStatement count = connection.prepareStatement(
                    "SELECT COALESCE(SUM(record_count), 0) FROM audit_page WHERE id < ?")) {
                count.setLong(1, keep);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    records = row.getLong(1);
                }
            }
            // Pages first: an index entry left by a failure in between points at nothing, and the next run removes it.
            for (String sql : new String[] {"DELETE FROM audit_page WHERE id < ?",
                    "DELETE FROM audit_page_key WHERE page_id < ?"}) {
                try (PreparedStatement delete = connection.prepareStatement(sql)) {
                    delete.setLong(1, keep);
                    delete.executeUpdate();
                }
            }
            return records;
        } catch (SQLException e) {
            throw new IllegalStateException("pruning the audit trail failed", e);
        }
    }
}
