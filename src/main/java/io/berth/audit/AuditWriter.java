package io.berth.audit;

import jakarta.enterprise.context.ApplicationScoped;
import io.berth.platform.TransactionJdbc;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Appends records to the chain in one transaction a batch, with the chain's head locked: one page of records
 * ({@link AuditPages}), so that auditing every call costs a few statements a second, not one a call.
 */
@ApplicationScoped
class AuditWriter {

    static final String GENESIS = "0".repeat(64);

    /** JDBC in the transaction: batched inserts under the chain head's lock. */
    @Inject
    TransactionJdbc jdbc;

    @Transactional
    void write(List<AuditRecord> batch) {
        try {
            jdbc.run(connection -> append(connection, batch));
        } catch (SQLException e) {
            throw new IllegalStateException("writing " + batch.size() + " audit records failed", e);
        }
    }

    private static void append(Connection connection, List<AuditRecord> batch) throws SQLException {
        long id;
        String hash;
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT last_id, last_hash FROM audit_chain WHERE id = 1 FOR UPDATE");
             ResultSet row = head.executeQuery()) {
            row.next();
            id = row.getLong(1);
            hash = row.getString(2);
        }
        String previousHash = hash;
        List<String> hashes = new ArrayList<>(batch.size());
        for (AuditRecord record : batch) {
            hash = chain(hash, record.json());
            hashes.add(hash);
        }
        AuditPages.insert(connection, id + 1, previousHash, batch, hashes);
        id += batch.size();
        countCalls(connection, batch);
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE audit_chain SET last_id = ?, last_hash = ? WHERE id = 1")) {
            update.setLong(1, id);
            update.setString(2, hash);
            update.executeUpdate();
        }
    }

    /**
     * Adds the batch's calls to the usage figures, per account, repository ({@code ''} for calls on none) and UTC day,
     * in the records' transaction: the chain's lock makes this the only writer.
     */
    private static void countCalls(Connection connection, List<AuditRecord> batch) throws SQLException {
        Map<List<Object>, Long> calls = new HashMap<>();
        for (AuditRecord record : batch) {
            if (record.accountId() != null && !record.accountId().isEmpty()) {
                String repository = AuditRecord.REPOSITORY_TYPE.equals(record.resourceType())
                        ? record.resourceName() : "";
                calls.merge(List.of(record.accountId(), repository, Metering.day(record.time())), 1L, Long::sum);
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE usage_api_calls SET calls = calls + ?"
                + " WHERE account_id = ? AND repository = ? AND usage_day = ?");
             PreparedStatement insert = connection.prepareStatement("INSERT INTO usage_api_calls (account_id,"
                     + " repository, usage_day, calls) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<List<Object>, Long> count : calls.entrySet()) {
                java.sql.Date day = java.sql.Date.valueOf((LocalDate) count.getKey().get(2));
                update.setLong(1, count.getValue());
                update.setString(2, (String) count.getKey().get(0));
                update.setString(3, (String) count.getKey().get(1));
                update.setDate(4, day);
                if (update.executeUpdate() == 0) {
                    insert.setString(1, (String) count.getKey().get(0));
                    insert.setString(2, (String) count.getKey().get(1));
                    insert.setDate(3, day);
                    insert.setLong(4, count.getValue());
                    insert.executeUpdate();
                }
            }
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

}
