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
        // The third has no event source, which the page index refuses: the batch fails after its page is inserted.
        List<AuditRecord> batch = List.of(record(first), record(second), withoutSource(record(first)));

        assertThrows(RuntimeException.class, () -> writer.write(batch));

        assertEquals(0, stored(first) + stored(second), "the records before the failing one were rolled back");
        writer.write(List.of(record(first)));
        assertEquals(1, stored(first), "and the chain goes on");
    }

    private static AuditRecord record(String eventId) {
        AuditRecord call = AuditRecord.of(new AuditEntry().call(AuditEntry.ECR, "DescribeRepositories")
                .identity("000000000000", "admin", 1, null), "us-east-1");
        return new AuditRecord(eventId, call.time(), call.accountId(), call.eventSource(), call.eventName(),
                call.readOnly(), call.userName(), call.accessKeyId(), call.resourceType(), call.resourceName(),
                call.errorCode(), call.json().replace(call.eventId(), eventId));
    }

    private static AuditRecord withoutSource(AuditRecord r) {
        return new AuditRecord(r.eventId(), r.time(), r.accountId(), null, r.eventName(), r.readOnly(), r.userName(),
                r.accessKeyId(), r.resourceType(), r.resourceName(), r.errorCode(), r.json());
    }

    /** How many stored records have this event id. */
    private int stored(String eventId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT id, records FROM audit_page");
             ResultSet pages = query.executeQuery()) {
            int count = 0;
            while (pages.next()) {
                for (AuditPages.Line line : AuditPages.lines(pages.getLong(1), pages.getBytes(2))) {
                    if (line.json().contains(eventId)) {
                        count++;
                    }
                }
            }
            return count;
        }
    }
}
