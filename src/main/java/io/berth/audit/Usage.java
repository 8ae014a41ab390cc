package io.berth.audit;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Usage figures per account, repository and UTC day: what the metering counted (transfers, API calls) and what the
 * storage snapshots measured. Snapshots run hourly (the {@code usage} lease: one instance) and before a report that
 * includes today, so that today's stored bytes are at most a minute old.
 */
@ApplicationScoped
public class Usage {

    private static final long FRESH_MILLIS = 60_000;

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    @Inject
    UsageSnapshots snapshots;

    /** One repository's (or with {@code repository} "", the whole account's) figures for one day. */
    public record Figures(LocalDate day, String repository, long storedBytes, long pushes, long bytesPushed,
                          long pulls, long bytesPulled, long apiCalls) {
    }

    /** At most a year per report. */
    public static final int MAX_DAYS = 366;

    /** Figures as CSV, a row a line, the account's rows with repository {@code *}. */
    public static String csv(List<Figures> figures) {
        StringBuilder csv = new StringBuilder(
                "day,repository,stored_bytes,pushes,bytes_pushed,pulls,bytes_pulled,api_calls\n");
        for (Figures f : figures) {
            csv.append(f.day()).append(',').append(f.repository().isEmpty() ? "*" : f.repository()).append(',')
                    .append(f.storedBytes()).append(',').append(f.pushes()).append(',').append(f.bytesPushed())
                    .append(',').append(f.pulls()).append(',').append(f.bytesPulled()).append(',')
                    .append(f.apiCalls()).append('\n');
        }
        return csv.toString();
    }

    /**
     * The account's figures from {@code from} to {@code to} (days, both included): per day, a row for the account
     * ({@code repository} "": transfers and calls summed over its repositories and calls on none, stored bytes after
     * deduplication) and a row for each repository with any figure that day.
     */
    public List<Figures> report(String accountId, LocalDate from, LocalDate to) {
        LocalDate today = Metering.day(System.currentTimeMillis());
        if (!to.isBefore(today) && System.currentTimeMillis() - snapshots.last() > FRESH_MILLIS) {
            snapshots.take();
        }
        return asMeasured(accountId, from, to);
    }

    /**
     * The same figures with stored bytes as last measured (hourly), without measuring them now: for a page view,
     * which must not walk the store.
     */
    public List<Figures> asMeasured(String accountId, LocalDate from, LocalDate to) {
        Map<String, Row> rows = new TreeMap<>(); // by day, then repository ("" first)
        try (Connection connection = dataSource.getConnection()) {
            for (Row transfer : read(connection, "SELECT usage_day, repository, pushes, bytes_pushed, pulls,"
                    + " bytes_pulled FROM usage_transfer", accountId, from, to)) {
                for (Row row : List.of(row(rows, transfer.day, transfer.repository), row(rows, transfer.day, ""))) {
                    row.pushes += transfer.values[0];
                    row.bytesPushed += transfer.values[1];
                    row.pulls += transfer.values[2];
                    row.bytesPulled += transfer.values[3];
                }
            }
            for (Row calls : read(connection, "SELECT usage_day, repository, calls FROM usage_api_calls", accountId,
                    from, to)) {
                row(rows, calls.day, "").apiCalls += calls.values[0];
                if (!calls.repository.isEmpty()) {
                    row(rows, calls.day, calls.repository).apiCalls += calls.values[0];
                }
            }
            for (Row stored : read(connection, "SELECT usage_day, repository, stored_bytes FROM usage_storage",
                    accountId, from, to)) {
                row(rows, stored.day, stored.repository).storedBytes = stored.values[0];
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading usage failed", e);
        }
        return rows.values().stream().map(r -> new Figures(r.day, r.repository, r.storedBytes, r.pushes,
                r.bytesPushed, r.pulls, r.bytesPulled, r.apiCalls)).toList();
    }

    /**
     * The account's own figures a day (repository ""), summed by the database: what the dashboard charts, read
     * without a row per repository.
     */
    public List<Figures> accountDays(String accountId, LocalDate from, LocalDate to) {
        Map<LocalDate, Row> days = new TreeMap<>();
        try (Connection connection = dataSource.getConnection()) {
            for (Row transfer : read(connection, "SELECT usage_day, '', SUM(pushes), SUM(bytes_pushed), SUM(pulls),"
                    + " SUM(bytes_pulled) FROM usage_transfer", accountId, from, to, " GROUP BY usage_day")) {
                Row day = days.computeIfAbsent(transfer.day, d -> new Row(d, ""));
                day.pushes = transfer.values[0];
                day.bytesPushed = transfer.values[1];
                day.pulls = transfer.values[2];
                day.bytesPulled = transfer.values[3];
            }
            for (Row calls : read(connection, "SELECT usage_day, '', SUM(calls) FROM usage_api_calls", accountId,
                    from, to, " GROUP BY usage_day")) {
                days.computeIfAbsent(calls.day, d -> new Row(d, "")).apiCalls = calls.values[0];
            }
            for (Row stored : read(connection, "SELECT usage_day, repository, stored_bytes FROM usage_storage",
                    accountId, from, to, " AND repository = ''")) {
                days.computeIfAbsent(stored.day, d -> new Row(d, "")).storedBytes = stored.values[0];
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading usage failed", e);
        }
        return days.values().stream().map(r -> new Figures(r.day, "", r.storedBytes, r.pushes, r.bytesPushed,
                r.pulls, r.bytesPulled, r.apiCalls)).toList();
    }

    /** A row being summed up; {@code values} are a table's figures as read. */
    private static final class Row {
        final LocalDate day;
        final String repository;
        long[] values;
        long storedBytes;
        long pushes;
        long bytesPushed;
        long pulls;
        long bytesPulled;
        long apiCalls;

        Row(LocalDate day, String repository) {
            this.day = day;
            this.repository = repository;
        }
    }

    private static Row row(Map<String, Row> rows, LocalDate day, String repository) {
        return rows.computeIfAbsent(day + "\n" + repository, k -> new Row(day, repository));
    }

    private static List<Row> read(Connection connection, String select, String accountId, LocalDate from,
                                  LocalDate to) throws SQLException {
        return read(connection, select, accountId, from, to, "");
    }

    /** A usage table's rows of the account and days: day, repository, then the figures; {@code more} SQL after. */
    private static List<Row> read(Connection connection, String select, String accountId, LocalDate from,
                                  LocalDate to, String more) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(select
                + " WHERE account_id = ? AND usage_day >= ? AND usage_day <= ?" + more)) {
            query.setString(1, accountId);
            query.setDate(2, java.sql.Date.valueOf(from));
            query.setDate(3, java.sql.Date.valueOf(to));
            List<Row> read = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                int figures = rows.getMetaData().getColumnCount() - 2;
                while (rows.next()) {
                    Row row = new Row(rows.getDate(1).toLocalDate(), rows.getString(2));
                    row.values = new long[figures];
                    for (int i = 0; i < figures; i++) {
                        row.values[i] = rows.getLong(i + 3);
                    }
                    read.add(row);
                }
            }
            return read;
        }
    }
}
