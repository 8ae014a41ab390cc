package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit trail as its users read it: {@code aws cloudtrail lookup-events} (Debian's AWS CLI) by event name, user
 * and resource, with pages; what a refused call and a failed sign-in leave; that no secret is ever recorded;
 * LookupEvents' refusals of bad input, in CloudTrail's own errors; and usage figures that add up to the byte.
 */
@ExtendWith(ArquillianExtension.class)
class AuditTrailIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static final String TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
    private static AwsApis.Key adminKey;
    private static Path work;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    @BeforeAll
    static void setUp() throws Exception {
        adminKey = AwsApis.adminKey(ADMIN.base);
        work = Files.createTempDirectory("berth-audit");
    }

    @Test
    void theAwsCliLooksUpPushesByResourceEventNameAndUserWithPages() throws Exception {
        String name = "audit/cli-" + System.nanoTime();
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String manifest = ADMIN.imageManifest(name, RegistryHttp.OCI_MANIFEST, "layer " + i);
            assertEquals(201, ADMIN.putManifest(name, "v" + i, RegistryHttp.OCI_MANIFEST, manifest).statusCode());
            digests.add(RegistryHttp.sha256(RegistryHttp.bytes(manifest)));
        }
        // Each image: its config and its layer (one monolithic upload each), then the manifest.
        List<JsonObject> byResource = awaitEvents("ResourceName", name, 3 * 3);

        List<JsonObject> pushes = byResource.stream().filter(e -> e.getString("EventName").equals("PutImage"))
                .toList();
        assertEquals(3, pushes.size(), byResource.toString());
        Set<String> recorded = new HashSet<>();
        for (JsonObject push : pushes) {
            JsonObject record = RegistryHttp.json(push.getString("CloudTrailEvent"));
            assertEquals("1.08", record.getString("eventVersion"));
            assertEquals("ecr.amazonaws.com", record.getString("eventSource"));
            assertEquals("us-east-1", record.getString("awsRegion"));
            assertEquals("IAMUser", record.getJsonObject("userIdentity").getString("type"));
            assertEquals("admin", record.getJsonObject("userIdentity").getString("userName"));
            assertEquals("arn:aws:iam::000000000000:user/admin",
                    record.getJsonObject("userIdentity").getString("arn"));
            assertEquals("127.0.0.1", record.getString("sourceIPAddress"));
            assertEquals(name, record.getJsonObject("requestParameters").getString("repositoryName"));
            assertFalse(record.getBoolean("readOnly"));
            assertEquals("000000000000", record.getString("recipientAccountId"));
            assertEquals("arn:aws:ecr:us-east-1:000000000000:repository/" + name,
                    record.getJsonArray("resources").getJsonObject(0).getString("ARN"));
            assertEquals("AWS::ECR::Repository", push.getJsonArray("Resources").getJsonObject(0)
                    .getString("ResourceType"));
            recorded.add(record.getJsonObject("responseElements").getJsonObject("image").getJsonObject("imageId")
                    .getString("imageDigest"));
        }
        assertEquals(new HashSet<>(digests), recorded, "each push names the image it stored");
        assertEquals(6, byResource.stream().filter(e -> e.getString("EventName").equals("InitiateLayerUpload"))
                .count());

        // Newest first, in pages of 4 that the CLI asks for one at a time: the same records, none twice.
        List<String> paged = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            List<String> command = new ArrayList<>(List.of("cloudtrail", "lookup-events", "--lookup-attributes",
                    "AttributeKey=ResourceName,AttributeValue=" + name, "--max-items", "4"));
            if (token != null) {
                command.addAll(List.of("--starting-token", token));
            }
            JsonObject page = RegistryHttp.json(cli(command.toArray(String[]::new)));
            page.getJsonArray("Events").getValuesAs(JsonObject.class).forEach(e -> paged.add(e.getString("EventId")));
            token = page.containsKey("NextToken") ? page.getString("NextToken") : null;
            pages++;
        } while (token != null);
        assertEquals(3, pages, "9 records in pages of 4");
        assertEquals(byResource.stream().map(e -> e.getString("EventId")).toList(), paged);

        // By event id: found through the time the id carries, the one record and no other.
        String pushId = pushes.get(1).getString("EventId");
        assertEquals(List.of(pushId), events("EventId", pushId).stream().map(e -> e.getString("EventId")).toList());

        List<JsonObject> byName = events("EventName", "PutImage");
        assertTrue(byName.stream().map(AuditTrailIT::record).filter(r -> name.equals(r.getJsonObject(
                "requestParameters").getString("repositoryName", null))).count() >= 3);
        assertTrue(events("Username", "admin").stream().allMatch(e -> e.getString("Username").equals("admin")));
        assertTrue(events("ReadOnly", "false").stream().noneMatch(e -> e.getString("ReadOnly").equals("true")));
    }

    @Test
    void aPushRefusedByAnImmutableTagIsRecordedAsARefusal() throws Exception {
        String name = "audit/immutable-" + System.nanoTime();
        String first = ADMIN.imageManifest(name, RegistryHttp.OCI_MANIFEST, "first");
        assertEquals(201, ADMIN.putManifest(name, "v1", RegistryHttp.OCI_MANIFEST, first).statusCode());
        HttpResponse<String> immutable = AwsApis.sendSigned(ADMIN.base, adminKey, "ecr", Map.of("Content-Type",
                "application/x-amz-json-1.1", "X-Amz-Target",
                "AmazonEC2ContainerRegistry_V20150921.PutImageTagMutability"), ("{\"repositoryName\":\"" + name
                + "\",\"imageTagMutability\":\"IMMUTABLE\"}").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, immutable.statusCode(), immutable.body());
        String second = ADMIN.imageManifest(name, RegistryHttp.OCI_MANIFEST, "second");
        assertEquals(400, ADMIN.putManifest(name, "v1", RegistryHttp.OCI_MANIFEST, second).statusCode());

        // Two uploads and a push, the mutability change, two uploads and the refused push.
        List<JsonObject> pushes = awaitEvents("ResourceName", name, 3 + 1 + 3).stream()
                .filter(e -> e.getString("EventName").equals("PutImage")).map(AuditTrailIT::record).toList();
        assertEquals(2, pushes.size(), pushes.toString());
        JsonObject refused = pushes.get(0); // newest first
        assertEquals("TAG_INVALID", refused.getString("errorCode"));
        assertTrue(refused.getString("errorMessage").contains("immutable"), refused.getString("errorMessage"));
        assertTrue(refused.isNull("responseElements"), "a refused push stored nothing");
        assertFalse(pushes.get(1).containsKey("errorCode"));
        JsonObject changed = events("ResourceName", name).stream().map(AuditTrailIT::record)
                .filter(r -> r.getString("eventName").equals("PutImageTagMutability")).findFirst().orElseThrow();
        assertEquals("IMMUTABLE", changed.getJsonObject("responseElements").getString("imageTagMutability"));
    }

    @Test
    void aFailedSignInIsRecordedWithWhoItClaimedToBe() throws Exception {
        String claimed = "nobody-" + System.nanoTime();
        assertEquals(401, ADMIN.as(claimed, "wrong").get("/v2/audit/any/tags/list").statusCode());
        // The handshake without credentials is not a call of anyone's and leaves nothing.
        assertEquals(401, ADMIN.as(null, null).get("/v2/").statusCode());

        JsonObject signIn = record(awaitEvents("Username", claimed, 1).get(0));
        assertEquals("SignIn", signIn.getString("eventName"));
        assertEquals("Unknown", signIn.getJsonObject("userIdentity").getString("type"));
        assertEquals(claimed, signIn.getJsonObject("userIdentity").getString("userName"));
        assertEquals("UNAUTHORIZED", signIn.getString("errorCode"));
    }

    @Test
    void noSecretIsEverRecorded() throws Exception {
        String user = "audited-" + System.nanoTime();
        String password = "Pa55-" + System.nanoTime() + "-secret";
        assertEquals(200, AwsApis.iamSigned(ADMIN.base, adminKey, "Action", "CreateUser", "UserName", user)
                .statusCode());
        assertEquals(200, AwsApis.iamSigned(ADMIN.base, adminKey, "Action", "CreateLoginProfile", "UserName", user,
                "Password", password).statusCode());
        HttpResponse<String> key = AwsApis.iamSigned(ADMIN.base, adminKey, "Action", "CreateAccessKey", "UserName",
                user);
        String secret = AwsApis.element(key.body(), "SecretAccessKey");
        String keyId = AwsApis.element(key.body(), "AccessKeyId");
        int tokens = events("EventName", "GetAuthorizationToken").size();
        String token = AwsApis.loginPassword(ADMIN.base, adminKey);

        // Other CreateAccessKey records exist (the tests' own keys): wait for this user's.
        long deadline = System.currentTimeMillis() + 15_000;
        List<JsonObject> created = List.of();
        while (created.isEmpty() && System.currentTimeMillis() < deadline) {
            created = events("EventName", "CreateAccessKey").stream().map(AuditTrailIT::record)
                    .filter(r -> user.equals(r.getJsonObject("requestParameters").getString("userName", null)))
                    .toList();
            Thread.sleep(created.isEmpty() ? 300 : 0);
        }
        assertFalse(created.isEmpty(), "no CreateAccessKey record for " + user);
        assertEquals(keyId, created.get(0).getJsonObject("responseElements").getJsonObject("accessKey")
                .getString("accessKeyId"), "the record names the key it made");
        awaitEvents("EventName", "GetAuthorizationToken", tokens + 1);
        HttpResponse<String> export = ADMIN.get("/berth/audit/export");
        assertEquals(200, export.statusCode());
        for (String secretText : List.of(password, secret, token)) {
            assertFalse(export.body().contains(secretText), "a secret in the audit trail");
        }
        assertTrue(export.body().contains(keyId));
        JsonObject verified = RegistryHttp.json(ADMIN.get("/berth/audit/verify").body());
        assertTrue(verified.getBoolean("valid"), verified.toString());
        assertTrue(verified.getInt("recordsChecked") >= 4, verified.toString());
    }

    @Test
    void lookupEventsRefusesBadInputInCloudTrailsErrors() {
        assertRefused("{\"LookupAttributes\":[{\"AttributeKey\":\"EventName\",\"AttributeValue\":\"PutImage\"},"
                + "{\"AttributeKey\":\"Username\",\"AttributeValue\":\"admin\"}]}", "InvalidLookupAttributesException");
        assertRefused("{\"LookupAttributes\":[{\"AttributeKey\":\"Colour\",\"AttributeValue\":\"red\"}]}",
                "ValidationException");
        assertRefused("{\"LookupAttributes\":[{\"AttributeKey\":\"ReadOnly\",\"AttributeValue\":\"maybe\"}]}",
                "InvalidLookupAttributesException");
        assertRefused("{\"StartTime\":1800000000,\"EndTime\":1700000000}", "InvalidTimeRangeException");
        assertRefused("{\"MaxResults\":51}", "ValidationException");
        assertRefused("{\"NextToken\":\"forged\"}", "InvalidNextTokenException");
        assertRefused("{\"StartTime\":\"yesterday\"}", "InvalidTimeRangeException");
        assertRefused("[1,2]", "SerializationException");
    }

    @Test
    void onlyCallersAllowedCloudTrailLookupEventsReadTheTrail() {
        String user = "trail-reader-" + System.nanoTime();
        assertEquals(200, AwsApis.iamSigned(ADMIN.base, adminKey, "Action", "CreateUser", "UserName", user)
                .statusCode());
        HttpResponse<String> created = AwsApis.iamSigned(ADMIN.base, adminKey, "Action", "CreateAccessKey",
                "UserName", user);
        AwsApis.Key key = new AwsApis.Key(AwsApis.element(created.body(), "AccessKeyId"),
                AwsApis.element(created.body(), "SecretAccessKey"));
        HttpResponse<String> denied = lookup(key, "{}");
        assertEquals(400, denied.statusCode(), denied.body());
        assertEquals("AccessDeniedException", RegistryHttp.json(denied.body()).getString("__type"));

        assertEquals(200, AwsApis.iamSigned(ADMIN.base, adminKey, "Action", "PutUserPolicy", "UserName", user,
                "PolicyName", "trail", "PolicyDocument", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                        + "\"Allow\",\"Action\":\"cloudtrail:LookupEvents\",\"Resource\":\"*\"}]}").statusCode());
        HttpResponse<String> allowed = lookup(key, "{\"MaxResults\":5}");
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals(5, RegistryHttp.json(allowed.body()).getJsonArray("Events").size());
    }

    @Test
    void usageAddsUpToTheByte() throws Exception {
        String name = "audit/usage-" + System.nanoTime();
        long pushed = 0;
        long manifests = 0;
        Set<String> blobs = new HashSet<>();
        long distinctBlobBytes = 0;
        List<String> pushedManifests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String manifest = ADMIN.imageManifest(name, RegistryHttp.OCI_MANIFEST, "usage layer " + i);
            assertEquals(201, ADMIN.putManifest(name, "v" + i, RegistryHttp.OCI_MANIFEST, manifest).statusCode());
            JsonObject parsed = RegistryHttp.json(manifest);
            List<JsonObject> descriptors = new ArrayList<>(List.of(parsed.getJsonObject("config")));
            descriptors.addAll(parsed.getJsonArray("layers").getValuesAs(JsonObject.class));
            for (JsonObject descriptor : descriptors) {
                pushed += descriptor.getJsonNumber("size").longValue(); // each one uploaded
                if (blobs.add(descriptor.getString("digest"))) {
                    distinctBlobBytes += descriptor.getJsonNumber("size").longValue();
                }
            }
            manifests += RegistryHttp.bytes(manifest).length;
            pushedManifests.add(manifest);
        }
        long pulled = 0;
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> manifest = ADMIN.getBytes("/v2/" + name + "/manifests/v" + i, "Accept",
                    RegistryHttp.OCI_MANIFEST);
            assertEquals(200, manifest.statusCode());
            pulled += manifest.body().length;
            JsonObject layer = RegistryHttp.json(pushedManifests.get(i)).getJsonArray("layers").getJsonObject(0);
            HttpResponse<byte[]> blob = ADMIN.getBytes("/v2/" + name + "/blobs/" + layer.getString("digest"));
            assertEquals(200, blob.statusCode());
            pulled += blob.body().length;
        }
        long expectedPulled = pulled;
        long expectedPushed = pushed + manifests;
        long expectedStored = distinctBlobBytes + manifests;

        String repository = name;
        JsonObject row = null;
        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline) {
            row = usageRow(repository);
            if (row != null && row.getJsonNumber("bytesPulled").longValue() == expectedPulled
                    && row.getJsonNumber("apiCalls").longValue() == 6 + 3 + 4) {
                break;
            }
            Thread.sleep(300);
        }
        assertEquals(3, row.getInt("pushes"), row.toString());
        assertEquals(expectedPushed, row.getJsonNumber("bytesPushed").longValue(), row.toString());
        assertEquals(2, row.getInt("pulls"), row.toString());
        assertEquals(expectedPulled, row.getJsonNumber("bytesPulled").longValue(), row.toString());
        assertEquals(expectedStored, row.getJsonNumber("storedBytes").longValue(), row.toString());
        assertEquals(6 + 3 + 4, row.getInt("apiCalls"), "uploads, pushes, manifest and blob GETs: " + row);

        // The account stores each blob once: the identical config of every repository's images counts once.
        HttpResponse<String> csv = ADMIN.get("/berth/usage?format=csv");
        assertEquals(200, csv.statusCode());
        assertTrue(csv.body().startsWith("day,repository,stored_bytes,pushes,bytes_pushed,pulls,bytes_pulled,"
                + "api_calls\n"), csv.body());
        assertTrue(csv.body().contains("," + name + "," + expectedStored + ",3," + expectedPushed + ",2,"
                + expectedPulled + ",13\n"), csv.body());
        assertEquals(400, ADMIN.get("/berth/usage?from=2026-12-02&to=2026-12-01").statusCode());
        assertEquals(400, ADMIN.get("/berth/usage?from=yesterday").statusCode());
    }

    @Test
    void theReadinessCheckReportsEachPart() throws Exception {
        // WildFly serves health checks on its management port (server-config/test.sh names the URL).
        String url = System.getProperty("berth.it.health.url", ADMIN.base + "/health/ready");
        HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject check = RegistryHttp.json(ready.body()).getJsonArray("checks").getValuesAs(JsonObject.class)
                .stream().filter(c -> c.getString("name").equals("berth")).findFirst().orElseThrow();
        assertEquals("UP", check.getString("status"));
        for (String part : List.of("database", "migrations", "blobStore")) {
            // A string on Payara, a boolean on WildFly.
            assertEquals("true", check.getJsonObject("data").get(part).toString().replace("\"", ""), ready.body());
        }
    }

    /** Not on WildFly, which has no MicroProfile Metrics (server-config/test.sh says so). */
    @Test
    @DisabledIfSystemProperty(named = "berth.it.metrics", matches = "false")
    void metricsAreScraped() throws Exception {
        String name = "audit/metrics-" + System.nanoTime();
        String manifest = ADMIN.imageManifest(name, RegistryHttp.OCI_MANIFEST, "measured");
        assertEquals(201, ADMIN.putManifest(name, "v1", RegistryHttp.OCI_MANIFEST, manifest).statusCode());
        assertEquals(200, ADMIN.get("/v2/" + name + "/manifests/v1", "Accept", RegistryHttp.OCI_MANIFEST)
                .statusCode());
        HttpResponse<String> metrics = ADMIN.as(null, null).get("/metrics");
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        assertTrue(value(text, "berth_requests_total{mp_scope=\"application\",operation=\"PutImage\","
                + "status=\"201\"}") >= 1, text);
        assertTrue(value(text, "berth_requests_total{mp_scope=\"application\",operation=\"BatchGetImage\","
                + "status=\"200\"}") >= 1, text);
        assertTrue(value(text, "berth_pushed_bytes_total{mp_scope=\"application\"}") >= RegistryHttp.bytes(manifest)
                .length, text);
        assertTrue(value(text, "berth_pulled_bytes_total{mp_scope=\"application\"}") >= RegistryHttp.bytes(manifest)
                .length, text);
        assertTrue(value(text, "berth_upload_duration_count{mp_scope=\"application\"}") >= 2, text);
        assertTrue(value(text, "berth_outbox_lag_seconds{mp_scope=\"application\"}") >= 0, text);
        assertTrue(value(text, "berth_audit_waiting_records{mp_scope=\"application\"}") >= 0, text);
    }

    /** A sample's value in Prometheus' text format; fails when the sample is not there. */
    private static double value(String metrics, String sample) {
        return metrics.lines().filter(line -> line.startsWith(sample + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(sample.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no " + sample + " in\n" + metrics));
    }

    /** Today's figures of one repository, from {@code /berth/usage}. */
    private static JsonObject usageRow(String repository) {
        HttpResponse<String> report = ADMIN.get("/berth/usage");
        assertEquals(200, report.statusCode(), report.body());
        return RegistryHttp.json(report.body()).getJsonArray("usage").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getString("repositoryName").equals(repository)).findFirst().orElse(null);
    }

    private static void assertRefused(String input, String type) {
        HttpResponse<String> response = lookup(adminKey, input);
        assertEquals(400, response.statusCode(), input + " → " + response.body());
        assertEquals(type, RegistryHttp.json(response.body()).getString("__type"), input);
    }

    private static HttpResponse<String> lookup(AwsApis.Key key, String input) {
        return AwsApis.sendSigned(ADMIN.base, key, "cloudtrail", Map.of("Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", TARGET), input.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject record(JsonObject event) {
        return RegistryHttp.json(event.getString("CloudTrailEvent"));
    }

    /** The events the CLI finds for one lookup attribute (all pages). */
    private static List<JsonObject> events(String key, String value) {
        String out = cli("cloudtrail", "lookup-events", "--lookup-attributes",
                "AttributeKey=" + key + ",AttributeValue=" + value);
        JsonArray events = RegistryHttp.json(out).getJsonArray("Events");
        return events.getValuesAs(JsonObject.class);
    }

    /** The events once at least {@code count} are there (records are written within half a second). */
    private static List<JsonObject> awaitEvents(String key, String value, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        List<JsonObject> events = events(key, value);
        while (events.size() < count && System.currentTimeMillis() < deadline) {
            Thread.sleep(300);
            events = events(key, value);
        }
        assertTrue(events.size() >= count, key + "=" + value + ": " + events.size() + " events, expected "
                + count);
        return events;
    }

    private static String cli(String... arguments) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", ADMIN.base,
                "--output", "json"));
        command.addAll(List.of(arguments));
        Map<String, String> env = AwsApis.cliEnvironment(adminKey);
        Command.ENVIRONMENT.putAll(env);
        try {
            Command.Result result = Command.tryRun(work, command.toArray(String[]::new));
            assertEquals(0, result.exitCode(), String.join(" ", command) + "\n" + result.output());
            return result.output();
        } finally {
            env.keySet().forEach(Command.ENVIRONMENT::remove);
        }
    }
}
