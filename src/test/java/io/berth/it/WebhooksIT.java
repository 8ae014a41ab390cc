package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a receiver this test runs: ECR's PUSH events arrive signed; a receiver that fails gets retries
 * with backoff; a server killed with deliveries owed (and with events committed but not yet dispatched) delivers
 * them after its restart; a target that never answers ends in the dead-letter list; bad registrations are refused,
 * naming the member, and store nothing.
 */
class WebhooksIT {

    private static final int PORT = 5060;
    private static final String SECRET = "a-webhook-secret-of-some-length";
    private static final String PUSHES = "{\"source\":[\"aws.ecr\"],\"detail-type\":[\"ECR Image Action\"],"
            + "\"detail\":{\"action-type\":[\"PUSH\"]}}";

    private ServerProcess server;
    private HttpServer receiver;
    private final List<Map.Entry<Map<String, String>, String>> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = answer.get();
            if (status == 200) {
                received.add(Map.entry(Map.of(
                        "signature", String.valueOf(exchange.getRequestHeaders().getFirst("X-Berth-Signature")),
                        "delivery", String.valueOf(exchange.getRequestHeaders().getFirst("X-Berth-Delivery")),
                        "expected", "sha256=" + hmac(body)), new String(body, StandardCharsets.UTF_8)));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        server = new ServerProcess("webhooks", PORT, Map.of("BERTH_WEBHOOK_BACKOFF_SECONDS", "1",
                "BERTH_WEBHOOK_MAX_ATTEMPTS", "4")).start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        receiver.stop(0);
    }

    @Test
    void pushesArriveSignedAndNothingCommittedIsLostToAFailingReceiverOrAKilledServer() throws Exception {
        RegistryHttp registry = server.registry;
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        JsonObject created = register(registry, hook, PUSHES);
        String id = created.getString("id");

        String first = registry.imageManifest("hooks/app", RegistryHttp.OCI_MANIFEST, "one");
        assertEquals(201, registry.putManifest("hooks/app", "v1", RegistryHttp.OCI_MANIFEST, first).statusCode());
        JsonObject v1 = await(event -> tag(event).equals("v1"));
        JsonObject detail = v1.getJsonObject("detail");
        assertEquals("hooks/app", detail.getString("repository-name"));
        assertEquals(RegistryHttp.sha256(RegistryHttp.bytes(first)), detail.getString("image-digest"));
        for (var delivery : received) {
            assertEquals(delivery.getKey().get("expected"), delivery.getKey().get("signature"));
        }

        // The receiver fails: attempts are recorded and retried with backoff.
        answer.set(500);
        String second = registry.imageManifest("hooks/app", RegistryHttp.OCI_MANIFEST, "two");
        assertEquals(201, registry.putManifest("hooks/app", "v2", RegistryHttp.OCI_MANIFEST, second).statusCode());
        JsonObject failing = awaitDelivery(registry, id, d -> d.getInt("attempts") >= 1
                && tag(d.getJsonObject("event")).equals("v2"));
        assertEquals("PENDING", failing.getString("state"));
        assertEquals(500, failing.getInt("lastStatus"));

        // Killed with that delivery owed, and with a push committed a moment before.
        String third = registry.imageManifest("hooks/app", RegistryHttp.OCI_MANIFEST, "three");
        assertEquals(201, registry.putManifest("hooks/app", "v3", RegistryHttp.OCI_MANIFEST, third).statusCode());
        server.kill();
        answer.set(200);
        server.start();
        await(event -> tag(event).equals("v2"));
        await(event -> tag(event).equals("v3"));
        JsonObject delivered = awaitDelivery(registry, id, d -> d.getString("state").equals("DELIVERED")
                && tag(d.getJsonObject("event")).equals("v2"));
        assertTrue(delivered.getInt("attempts") >= 2, delivered.toString());
    }

    @Test
    void aTargetThatNeverAnswersEndsInTheDeadLetterList() throws Exception {
        RegistryHttp registry = server.registry;
        // A port nobody listens on.
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        String id = register(registry, "http://127.0.0.1:" + port + "/nobody", PUSHES).getString("id");
        String manifest = registry.imageManifest("hooks/dead", RegistryHttp.OCI_MANIFEST, "dead");
        assertEquals(201, registry.putManifest("hooks/dead", "v1", RegistryHttp.OCI_MANIFEST, manifest).statusCode());
        JsonObject dead = awaitDelivery(registry, id, d -> d.getString("state").equals("DEAD"));
        assertEquals(4, dead.getInt("attempts"));
        assertTrue(dead.getString("lastError").contains("Connect"), dead.toString());
        HttpResponse<String> deadList = registry.get("/berth/webhooks/" + id + "/deliveries?state=DEAD");
        assertEquals(1, RegistryHttp.json(deadList.body()).getJsonArray("deliveries").size());
    }

    @Test
    void badRegistrationsAreRefusedNamingTheMemberAndStoreNothing() throws Exception {
        RegistryHttp registry = server.registry;
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        assertRefused(registry, "{\"url\":\"ftp://127.0.0.1/x\",\"eventPattern\":" + PUSHES + ",\"secret\":\""
                + SECRET + "\"}", "url:");
        assertRefused(registry, "{\"url\":\"http://127.0.0.1:" + PORT + "/v2/\",\"eventPattern\":" + PUSHES
                + ",\"secret\":\"" + SECRET + "\"}", "url:");
        assertRefused(registry, "{\"url\":\"http://localhost:" + PORT + "/\",\"eventPattern\":" + PUSHES
                + ",\"secret\":\"" + SECRET + "\"}", "url:");
        assertRefused(registry, "{\"url\":\"" + hook + "\",\"eventPattern\":{\"source\":\"aws.ecr\"},\"secret\":\""
                + SECRET + "\"}", "eventPattern:");
        assertRefused(registry, "{\"url\":\"" + hook + "\",\"eventPattern\":\"{not json\",\"secret\":\"" + SECRET
                + "\"}", "eventPattern:");
        assertRefused(registry, "{\"url\":\"" + hook + "\",\"eventPattern\":" + PUSHES + ",\"secret\":\"short\"}",
                "secret:");
        assertRefused(registry, "[1]", "body");
        assertEquals(0, RegistryHttp.json(registry.get("/berth/webhooks").body()).getJsonArray("webhooks").size());
        assertEquals(404, registry.send("DELETE", "/berth/webhooks/no-such-id", null).statusCode());
    }

    private static void assertRefused(RegistryHttp registry, String body, String member) {
        HttpResponse<String> refused = registry.send("POST", "/berth/webhooks", body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json");
        assertEquals(400, refused.statusCode(), body + " → " + refused.body());
        assertTrue(RegistryHttp.json(refused.body()).getJsonArray("errors").getJsonObject(0).getString("message")
                .contains(member), refused.body());
    }

    private static JsonObject register(RegistryHttp registry, String url, String pattern) {
        HttpResponse<String> created = registry.send("POST", "/berth/webhooks", ("{\"url\":\"" + url
                + "\",\"eventPattern\":" + pattern + ",\"secret\":\"" + SECRET + "\"}")
                .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertEquals(201, created.statusCode(), created.body());
        return RegistryHttp.json(created.body());
    }

    private static String tag(JsonObject event) {
        return event.getJsonObject("detail").getString("image-tag", "");
    }

    /** The first event received that matches, within 30 s. */
    private JsonObject await(Predicate<JsonObject> wanted) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (var delivery : received) {
                JsonObject event = RegistryHttp.json(delivery.getValue());
                if (wanted.test(event)) {
                    return event;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such event arrived; received " + received);
    }

    private static JsonObject awaitDelivery(RegistryHttp registry, String id, Predicate<JsonObject> wanted)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> list = registry.get("/berth/webhooks/" + id + "/deliveries");
            assertEquals(200, list.statusCode(), list.body());
            last = list.body();
            for (JsonObject delivery : RegistryHttp.json(last).getJsonArray("deliveries")
                    .getValuesAs(JsonObject.class)) {
                if (wanted.test(delivery)) {
                    return delivery;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no such delivery in 30 s: " + last);
    }

    private static String hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
