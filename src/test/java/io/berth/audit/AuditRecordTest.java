package io.berth.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.registry.RepositoryName;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditRecordTest {

    private static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    @Test
    void aCallOnARepositoryIsRecordedWithCloudTrailsFields() {
        AuditEntry entry = new AuditEntry().call(AuditEntry.ECR, "PutImage")
                .identity("000000000000", "admin", 1, "AKIAEXAMPLE")
                .origin("192.0.2.7", "skopeo/1.9")
                .repository(new RepositoryName("000000000000", "team/app"))
                .parameters(Json.createObjectBuilder().add("imageTag", "v1").build())
                .response(Json.createObjectBuilder().add("image", "stored").build());
        AuditRecord record = AuditRecord.of(entry, "eu-west-1");
        JsonObject json = json(record.json());

        assertEquals("1.08", json.getString("eventVersion"));
        assertEquals("PutImage", json.getString("eventName"));
        assertEquals("ecr.amazonaws.com", json.getString("eventSource"));
        assertEquals("eu-west-1", json.getString("awsRegion"));
        assertEquals("192.0.2.7", json.getString("sourceIPAddress"));
        assertEquals("skopeo/1.9", json.getString("userAgent"));
        assertEquals("arn:aws:iam::000000000000:user/admin", json.getJsonObject("userIdentity").getString("arn"));
        assertEquals("AKIAEXAMPLE", json.getJsonObject("userIdentity").getString("accessKeyId"));
        assertEquals("arn:aws:ecr:eu-west-1:000000000000:repository/team/app",
                json.getJsonArray("resources").getJsonObject(0).getString("ARN"));
        assertEquals("stored", json.getJsonObject("responseElements").getString("image"));
        assertFalse(json.getBoolean("readOnly"));
        assertFalse(json.containsKey("errorCode"));
        assertEquals(entry.requestId(), json.getString("requestID"));
        assertEquals(record.eventId(), json.getString("eventID"));
        assertEquals("AwsApiCall", json.getString("eventType"));
        assertEquals("000000000000", json.getString("recipientAccountId"));
        assertEquals("team/app", record.resourceName());
        assertEquals("AWS::ECR::Repository", record.resourceType());
        assertEquals("admin", record.userName());
    }

    @Test
    void aCallOnAUserNamesTheUserAsItsResourceInTheCallersAccount() {
        AuditEntry entry = new AuditEntry().call(AuditEntry.IAM, "CreateAccessKey")
                .identity("111111111111", "admin", 1, null)
                .iamUser("ci");
        AuditRecord record = AuditRecord.of(entry, "eu-west-1");
        JsonObject resource = json(record.json()).getJsonArray("resources").getJsonObject(0);

        assertEquals("111111111111", resource.getString("accountId"));
        assertEquals("AWS::IAM::User", resource.getString("type"));
        assertEquals("arn:aws:iam::111111111111:user/ci", resource.getString("ARN"));
        assertEquals("111111111111", record.accountId());
        assertEquals("ci", record.resourceName());
    }

    @Test
    void aRefusedSignInBelongsToTheAccountItClaimed() {
        AuditEntry entry = new AuditEntry().call(AuditEntry.ECR, "SignIn")
                .attemptedIdentity("mallory", "222222222222").status(401);
        AuditRecord record = AuditRecord.of(entry, "eu-west-1");
        JsonObject json = json(record.json());

        assertEquals("222222222222", record.accountId());
        assertEquals("222222222222", json.getString("recipientAccountId"));
        assertEquals("Unknown", json.getJsonObject("userIdentity").getString("type"));
        assertFalse(json.containsKey("resources"));
    }

    @Test
    void aStoredRecordReadsBackAsItWasWritten() {
        List<AuditEntry> entries = List.of(
                new AuditEntry().call(AuditEntry.ECR, "BatchGetImage").identity("000000000000", "admin", 1,
                        "AKIAEXAMPLE").repository(new RepositoryName("000000000000", "team/app")),
                new AuditEntry().call(AuditEntry.IAM, "CreateAccessKey").identity("111111111111", "admin", 1, null)
                        .iamUser("ci"),
                new AuditEntry().call(AuditEntry.ECR, "SignIn").attemptedIdentity("mallory", "222222222222")
                        .status(401),
                new AuditEntry().call(AuditEntry.ECR, "SignIn").status(401));
        for (AuditEntry entry : entries) {
            AuditRecord record = AuditRecord.of(entry, "eu-west-1");
            assertEquals(record, AuditRecord.read(record.json(), record.time()));
        }
    }

    @Test
    void aRefusalKeepsItsErrorAndNoAnswer() {
        AuditEntry entry = new AuditEntry().call(AuditEntry.ECR, "BatchGetImage").status(404)
                .response(Json.createObjectBuilder().add("leak", "no").build());
        JsonObject json = json(AuditRecord.of(entry, "us-east-1").json());
        assertEquals("NotFound", json.getString("errorCode"));
        assertTrue(json.isNull("responseElements"));
        assertTrue(json.getBoolean("readOnly"));
        assertEquals("Unknown", json.getJsonObject("userIdentity").getString("type"));

        entry.error("MANIFEST_UNKNOWN", "manifest unknown");
        assertEquals("MANIFEST_UNKNOWN", json(AuditRecord.of(entry, "us-east-1").json()).getString("errorCode"));
    }

    @Test
    void secretsAndBulkNeverReachARecord() {
        JsonObject redacted = Redaction.of(Json.createObjectBuilder()
                .add("userName", "ci").add("Password", "hunter2")
                .add("accessKey", Json.createObjectBuilder().add("secretAccessKey", "s3cr3t").add("id", "AKIA"))
                .add("authorizationData", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("authorizationToken", "QVdTOnRva2Vu")))
                .add("layerPartBlob", "x".repeat(Redaction.MAX_TEXT + 1)).build());
        String text = redacted.toString();
        for (String secret : new String[] {"hunter2", "s3cr3t", "QVdTOnRva2Vu"}) {
            assertFalse(text.contains(secret), text);
        }
        assertEquals("ci", redacted.getString("userName"));
        assertEquals("AKIA", redacted.getJsonObject("accessKey").getString("id"));
        assertEquals("<omitted: " + (Redaction.MAX_TEXT + 1) + " characters>", redacted.getString("layerPartBlob"));
    }

    @Test
    void eachHashCoversThePreviousHashAndTheRecord() {
        String first = AuditWriter.chain(AuditWriter.GENESIS, "{\"a\":1}");
        assertEquals(64, first.length());
        assertNotEquals(first, AuditWriter.chain(AuditWriter.GENESIS, "{\"a\":2}"));
        assertNotEquals(AuditWriter.chain(first, "{\"a\":1}"), AuditWriter.chain(AuditWriter.GENESIS, "{\"a\":1}"));
        assertEquals(first, AuditWriter.chain(AuditWriter.GENESIS, "{\"a\":1}"));
    }

    @Test
    void readOnlyFollowsAwsNaming() {
        for (String name : new String[] {"GetAuthorizationToken", "ListImages", "DescribeImages", "BatchGetImage",
                "BatchCheckLayerAvailability", "LookupEvents"}) {
            assertTrue(AuditEntry.readOnly(name), name);
        }
        for (String name : new String[] {"PutImage", "BatchDeleteImage", "InitiateLayerUpload", "SignIn",
                "CreateAccessKey"}) {
            assertFalse(AuditEntry.readOnly(name), name);
        }
    }
}
