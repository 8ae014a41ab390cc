package io.berth.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditPagesTest {

    @Test
    void aPagesLinesCarryTheirNumberHashTimeAndRecord() {
        String text = "aa 1700000000123 {\"eventName\":\"PutImage\",\"userAgent\":\"naïve client\"}\n"
                + "bb 1700000000456 {\"eventName\":\"BatchGetImage\"}\n";

        List<AuditPages.Line> lines = AuditPages.lines(41, text.getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of(
                new AuditPages.Line(41, "aa", 1700000000123L,
                        "{\"eventName\":\"PutImage\",\"userAgent\":\"naïve client\"}"),
                new AuditPages.Line(42, "bb", 1700000000456L, "{\"eventName\":\"BatchGetImage\"}")), lines);
    }

    @Test
    void aLineNotAsWrittenIsKeptForTheVerificationToName() {
        List<AuditPages.Line> lines = AuditPages.lines(7, "tampered\nbb x {}\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of(new AuditPages.Line(7, "", 0, "tampered"), new AuditPages.Line(8, "bb", 0, "{}")),
                lines);
    }

    @Test
    void thePageIndexHoldsEachAccountsValuesOnceAndNoRecordWithoutAnAccount() {
        AuditRecord pull = new AuditRecord("id-1", 1, "000000000000", AuditEntry.ECR, "BatchGetImage", true,
                "admin", "AKIAEXAMPLE", AuditRecord.REPOSITORY_TYPE, "team/app", null, "{}");
        AuditRecord again = new AuditRecord("id-2", 2, "000000000000", AuditEntry.ECR, "BatchGetImage", true,
                "admin", "AKIAEXAMPLE", AuditRecord.REPOSITORY_TYPE, "team/app", null, "{}");
        AuditRecord unknown = new AuditRecord("id-3", 3, null, AuditEntry.ECR, "SignIn", false, "mallory", null,
                null, null, "Unauthorized", "{}");
        String longName = "x".repeat(AuditPages.MAX_VALUE + 10);
        AuditRecord refused = new AuditRecord("id-4", 4, "111111111111", AuditEntry.ECR, "SignIn", false, longName,
                null, null, null, "Unauthorized", "{}");

        Set<List<String>> keys = AuditPages.keys(List.of(pull, again, unknown, refused));

        assertEquals(Set.of(
                List.of("000000000000", "", ""),
                List.of("000000000000", "EventSource", AuditEntry.ECR),
                List.of("000000000000", "EventName", "BatchGetImage"),
                List.of("000000000000", "ReadOnly", "true"),
                List.of("000000000000", "Username", "admin"),
                List.of("000000000000", "AccessKeyId", "AKIAEXAMPLE"),
                List.of("000000000000", "ResourceType", AuditRecord.REPOSITORY_TYPE),
                List.of("000000000000", "ResourceName", "team/app"),
                List.of("111111111111", "", ""),
                List.of("111111111111", "EventSource", AuditEntry.ECR),
                List.of("111111111111", "EventName", "SignIn"),
                List.of("111111111111", "ReadOnly", "false"),
                List.of("111111111111", "Username", "x".repeat(AuditPages.MAX_VALUE))), keys);
    }
}
