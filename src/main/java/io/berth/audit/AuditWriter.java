package io.berth.audit;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;

/**
 * Appends records to the chain in one transaction a batch, with the chain's head locked: one JDBC batch of inserts,
 * so that auditing every call costs a few statements a second, not one a call.
 */
@ApplicationScoped
class AuditWriter {

    static final String GENESIS = "0".repeat(64);

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    @Transactional
    void write(List<AuditRecord> batch) {
        try (Connection connection = dataSource.getConnection()) {
            long id;
            String hash;
            try (PreparedStatement head = connection.prepareStatement(
                    "SELECT last_id, last_hash FROM audit_chain WHERE id = 1 FOR UPDATE");
                 ResultSet row = head.executeQuery()) {
                row.next();
                id = row.getLong(1);
                hash = row.getString(2);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_record (id, event_time,"
                    + " event_id, account_id, event_source, event_name, read_only, user_name, access_key_id,"
                    + " resource_type, resource_name, error_code, record, previous_hash, hash)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditRecord record : batch) {
                    String previous = hash;
                    hash = chain(previous, record.json());
                    insert.setLong(1, ++id);
                    insert.setLong(2, record.time());
                    insert.setString(3, record.eventId());
                    setNullable(insert, 4, record.accountId());
                    insert.setString(5, record.eventSource());
                    insert.setString(6, record.eventName());
                    insert.setBoolean(7, record.readOnly());
                    setNullable(insert, 8, clip(record.userName(), 200));
                    setNullable(insert, 9, clip(record.accessKeyId(), 128));
                    setNullable(insert, 10, record.resourceType());
                    setNullable(insert, 11, clip(record.resourceName(), 300));
                    setNullable(insert, 12, clip(record.errorCode(), 128));
                    insert.setString(13, record.json());
                    insert.setString(14, previous);
                    insert.setString(15, hash);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE audit_chain SET last_id = ?, last_hash = ? WHERE id = 1")) {
                update.setLong(1, id);
                update.setString(2, hash);
                update.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writing " + batch.size() + " audit records failed", e);
        }
    }

    /** The hash that links a record to the one before it. */
    static String chain(String previousHash, String recordJson) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) '\n');
            return HexFormat.of().formatHex(sha256.digest(recordJson.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private static String clip(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
