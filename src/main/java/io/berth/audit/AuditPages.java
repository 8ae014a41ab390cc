package io.berth.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the audit trail is stored: a page (one row) per flush, its records as lines of text, and for each page the
 * lookup attributes' values that occur in it (a few dozen rows, not one per record and index). Records keep their
 * numbers in the chain: a page's id is the number of its first record, the next record is the next number.
 *
 * <p>A line is {@code <hash> <epoch millis> <record JSON>}: the record's chained hash (the SHA-256 of the previous
 * record's hash and this JSON), its time, and the CloudTrail record exactly as hashed.
 */
final class AuditPages {

    /** Values longer than this are indexed by their start; a lookup then finds the record by comparing it whole. */
    static final int MAX_VALUE = 300;
    /** The attribute of an account's pages, whatever their records' attributes. */
    static final String ANY = "";

    private AuditPages() {
    }

    /** One stored record: its number in the chain, its hash, time and JSON. */
    record Line(long number, String hash, long time, String json) {
    }

    /**
     * Stores {@code records} with their chained {@code hashes} as the page whose first record is number
     * {@code first}, {@code previousHash} being the hash of the record before it.
     */
    static void insert(Connection connection, long first, String previousHash, List<AuditRecord> records,
                       List<String> hashes) throws SQLException {
        StringBuilder text = new StringBuilder(records.size() * 1024);
        long minTime = Long.MAX_VALUE;
        long maxTime = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            AuditRecord record = records.get(i);
            text.append(hashes.get(i)).append(' ').append(record.time()).append(' ').append(record.json())
                    .append('\n');
            minTime = Math.min(minTime, record.time());
            maxTime = Math.max(maxTime, record.time());
        }
        try (PreparedStatement page = connection.prepareStatement("INSERT INTO audit_page (id, record_count,"
                + " min_time, max_time, previous_hash, records) VALUES (?, ?, ?, ?, ?, ?)")) {
            page.setLong(1, first);
            page.setInt(2, records.size());
            page.setLong(3, minTime);
            page.setLong(4, maxTime);
            page.setString(5, previousHash);
            page.setBytes(6, text.toString().getBytes(StandardCharsets.UTF_8));
            page.executeUpdate();
        }
        try (PreparedStatement key = connection.prepareStatement(
                "INSERT INTO audit_page_key (account_id, attribute, attribute_value, page_id) VALUES (?, ?, ?, ?)")) {
            for (List<String> row : keys(records)) {
                key.setString(1, row.get(0));
                key.setString(2, row.get(1));
                key.setString(3, row.get(2));
                key.setLong(4, first);
                key.addBatch();
            }
            key.executeBatch();
        }
    }

    /** The distinct (account, attribute, value) of the records; records of no account are found by no lookup. */
    static Set<List<String>> keys(List<AuditRecord> records) {
        Set<List<String>> keys = new LinkedHashSet<>();
        for (AuditRecord record : records) {
            String account = record.accountId();
            if (account == null || account.isEmpty()) {
                continue;
            }
            keys.add(List.of(account, ANY, ""));
            keys.add(key(account, "EventSource", record.eventSource()));
            keys.add(key(account, "EventName", record.eventName()));
            keys.add(List.of(account, "ReadOnly", Boolean.toString(record.readOnly())));
            for (String[] attribute : new String[][] {{"Username", record.userName()},
                    {"AccessKeyId", record.accessKeyId()}, {"ResourceType", record.resourceType()},
                    {"ResourceName", record.resourceName()}}) {
                if (attribute[1] != null) {
                    keys.add(key(account, attribute[0], attribute[1]));
                }
            }
        }
        return keys;
    }

    private static List<String> key(String account, String attribute, String value) {
        // List.of refuses null: a record without a required attribute fails its batch, as a NOT NULL column would.
        return List.of(account, attribute, indexed(value));
    }

    /** A value as the page index holds it. */
    static String indexed(String value) {
        return value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE);
    }

    /** The lines of a page whose first record is number {@code first}. */
    static List<Line> lines(long first, byte[] page) {
        String text = new String(page, StandardCharsets.UTF_8);
        List<Line> lines = new ArrayList<>();
        long number = first;
        for (int start = 0, end; start < text.length(); start = end + 1) {
            end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int hashEnd = text.indexOf(' ', start);
            int timeEnd = hashEnd < 0 ? -1 : text.indexOf(' ', hashEnd + 1);
            if (timeEnd < 0 || timeEnd > end) {
                // Not a line as written: kept as it is, so that the verification names it.
                lines.add(new Line(number++, "", 0, text.substring(start, end)));
                continue;
            }
            long time;
            try {
                time = Long.parseLong(text, hashEnd + 1, timeEnd, 10);
            } catch (NumberFormatException e) {
                time = 0;
            }
            lines.add(new Line(number++, text.substring(start, hashEnd), time, text.substring(timeEnd + 1, end)));
        }
        return lines;
    }
}
