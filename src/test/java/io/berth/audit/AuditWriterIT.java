package io.berth.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.io.File;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside the server: the audit trail's batches are all or nothing. */
@ExtendWith(ArquillianExtension.class)
class AuditWriterIT {

    /** The writer as the audit timers call it: from an EJB that manages its own transactions. */
    @EJB
    BeanManagedCaller writer;

    @Singleton
    @TransactionManagement(TransactionManagementType.BEAN)
    public static class BeanManagedCaller {

        @Inject
        AuditWriter writer;

        public void write(List<AuditRecord> batch) {
            writer.write(batch);
        }
    }

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")))
                .addClasses(BeanManagedCaller.class);
    }

    @Test
    void aBatchThatFailsPartWayLeavesNoRecordOfIt() throws SQLException {
        String first = TimeOrderedIds.next(System.currentTimeMillis());
        String second = TimeOrderedIds.next(System.currentTimeMillis());
        // The third has no event source, which the table refuses: the batch fails after two good inserts.
        List<AuditRecord> batch = List.of(record(first), record(second), withoutSource(record(first)));

        assertThrows(RuntimeException.class, () -> writer.write(batch));

        assertEquals(0, stored(first) + stored(second), "the records before the failing one were rolled back");
        writer.write(List.of(record(first)));
        assertEquals(1, stored(first), "and the chain goes on");
    }

    private static AuditRecord record(String eventId) {
        return new AuditRecord(eventId, System.currentTimeMillis(), "000000000000", "ecr.amazonaws.com",
                "DescribeRepositories", true, "admin", null, null, null, null, "{\"eventID\":\"" + eventId + "\"}");
    }

    private static AuditRecord withoutSource(AuditRecord r) {
        return new AuditRecord(r.eventId(), r.time(), r.accountId(), null, r.eventName(), r.readOnly(), r.userName(),
                r.accessKeyId(), r.resourceType(), r.resourceName(), r.errorCode(), r.json());
    }

    private int stored(String eventId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT COUNT(*) FROM audit_record WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
