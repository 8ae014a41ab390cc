package io.berth.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Schema version 15: moves the records of {@code audit_record} (a row per call, until V14) into pages, keeping their
 * numbers, hashes and chain, then drops the table. Consecutive records go into pages of up to {@link #PAGE}; a gap in
 * the numbers (records pruned or removed) starts a new page, so that the verification still names it.
 */
public class AuditPagesMigration implements JavaMigration {

    static final int PAGE = 1000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("15");
    }

    @Override
    public String getDescription() {
        return "audit records into pages";
    }

    @Override
    public Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (PreparedStatement query = connection.prepareStatement("SELECT id, event_time, event_id, account_id,"
                + " event_source, event_name, read_only, user_name, access_key_id, resource_type, resource_name,"
                + " error_code, record, previous_hash, hash FROM audit_record ORDER BY id")) {
            query.setFetchSize(PAGE);
            List<AuditRecord> page = new ArrayList<>();
            // The hashes as stored, not computed again: a record changed before the upgrade must still not match.
            List<String> hashes = new ArrayList<>();
            long first = 0;
            long next = 0;
            String previousHash = null;
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong(1);
                    if (!page.isEmpty() && (id != next || page.size() == PAGE)) {
                        AuditPages.insert(connection, first, previousHash, page, hashes);
                        page.clear();
                        hashes.clear();
                    }
                    if (page.isEmpty()) {
                        first = id;
                        previousHash = rows.getString(14);
                    }
                    page.add(new AuditRecord(rows.getString(3), rows.getLong(2), rows.getString(4),
                            rows.getString(5), rows.getString(6), rows.getBoolean(7), rows.getString(8),
                            rows.getString(9), rows.getString(10), rows.getString(11), rows.getString(12),
                            rows.getString(13)));
                    hashes.add(rows.getString(15));
                    next = id + 1;
                }
            }
            if (!page.isEmpty()) {
                AuditPages.insert(connection, first, previousHash, page, hashes);
            }
        }
        try (Statement drop = connection.createStatement()) {
            drop.execute("DROP TABLE audit_record");
        }
    }
}
