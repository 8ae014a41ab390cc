package io.berth.audit;

import io.berth.platform.Leases;
import io.berth.platform.TransactionJdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Today's stored bytes, measured hourly (and before a report) by one instance at a time (the {@code usage} lease). */
@ApplicationScoped
public class UsageSnapshots {

    static final String LEASE = "usage";

    /** JDBC in the transaction: four aggregate queries and a batch of rows. */
    @Inject
    TransactionJdbc jdbc;

    @Inject
    Leases leases;

    private volatile long last;

    /** When this instance last measured, in epoch millis. */
    long last() {
        return last;
    }

    /**
     * Measures what every repository and account stores now and keeps it as today's figure (replacing an earlier
     * one of today). A repository's bytes: each blob its images reference, once, and its manifests; an account's:
     * each blob once however many of its repositories reference it, and all their manifests.
     */
    @Transactional
    public void take() {
        if (!leases.acquire(LEASE, Duration.ofMinutes(5))) {
            return;
        }
        long now = System.currentTimeMillis();
        java.sql.Date today = java.sql.Date.valueOf(Metering.day(now));
        String manifests = "SELECT r.account_id, r.name AS repository, SUM(OCTET_LENGTH(i.content)) AS bytes"
                + " FROM image i JOIN repository r ON r.id = i.repository_id GROUP BY r.account_id, r.name";
        String repositoryBlobs = "SELECT x.account_id, x.name AS repository, SUM(b.size) AS bytes FROM (SELECT DISTINCT"
                + " r.account_id, r.name, ir.digest FROM repository r JOIN image i ON i.repository_id = r.id"
                + " JOIN image_reference ir ON ir.image_id = i.id WHERE ir.kind <> 'MANIFEST') x"
                + " JOIN blob b ON b.digest = x.digest GROUP BY x.account_id, x.name";
        String accountManifests = "SELECT r.account_id, '' AS repository, SUM(OCTET_LENGTH(i.content)) AS bytes"
                + " FROM image i JOIN repository r ON r.id = i.repository_id GROUP BY r.account_id";
        String accountBlobs = "SELECT x.account_id, '' AS repository, SUM(b.size) AS bytes FROM (SELECT DISTINCT"
                + " r.account_id, ir.digest FROM repository r JOIN image i ON i.repository_id = r.id"
                + " JOIN image_reference ir ON ir.image_id = i.id WHERE ir.kind <> 'MANIFEST') x"
                + " JOIN blob b ON b.digest = x.digest GROUP BY x.account_id";
        Map<List<String>, Long> stored = new TreeMap<>((a, b) -> (a.get(0) + "\n" + a.get(1))
                .compareTo(b.get(0) + "\n" + b.get(1)));
        try {
            jdbc.run(connection -> {
                for (String sql : List.of(manifests, repositoryBlobs, accountManifests, accountBlobs)) {
                    try (PreparedStatement query = connection.prepareStatement(sql);
                         ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            stored.merge(List.of(rows.getString(1), rows.getString(2)), rows.getLong(3), Long::sum);
                        }
                    }
                }
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM usage_storage WHERE usage_day = ?");
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO usage_storage (account_id,"
                             + " repository, usage_day, stored_bytes, measured_at) VALUES (?, ?, ?, ?, ?)")) {
                    delete.setDate(1, today);
                    delete.executeUpdate();
                    for (Map.Entry<List<String>, Long> row : stored.entrySet()) {
                        insert.setString(1, row.getKey().get(0));
                        insert.setString(2, row.getKey().get(1));
                        insert.setDate(3, today);
                        insert.setLong(4, row.getValue());
                        insert.setLong(5, now);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("measuring stored bytes failed", e);
        }
        last = now;
    }
}
