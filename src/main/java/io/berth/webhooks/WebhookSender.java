package io.berth.webhooks;

import static io.berth.platform.Jsonp.JSON;

import io.berth.platform.Leases;
import io.berth.security.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends due deliveries, one instance at a time (the {@code webhooks} lease): a POST of the EventBridge event with
 * {@code X-Berth-Delivery} (the delivery's id, the same on every attempt), {@code X-Berth-Event} (the event's id) and
 * {@code X-Berth-Signature: sha256=<HMAC-SHA256 of the body with the target's secret, hex>}. A 2xx answer delivers;
 * anything else is retried after {@code BERTH_WEBHOOK_BACKOFF_SECONDS} doubling with each attempt (at most an hour),
 * and after {@code BERTH_WEBHOOK_MAX_ATTEMPTS} the delivery is DEAD (the dead-letter list). A delivery is due again
 * before it is sent, so a server killed while sending sends it again after its restart.
 */
@ApplicationScoped
public class WebhookSender {

    static final String LEASE = "webhooks";
    /** Renewed before every send: a killed sender's deliveries go on from another instance (or a restart) soon. */
    private static final Duration LEASE_TERM = Duration.ofSeconds(10);
    private static final int BATCH = 50;

    @Inject
    Leases leases;

    @Inject
    SecretBox secrets;

    @Inject
    WebhookDeliveries deliveries;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** Sends what is due; returns how many were sent (successfully or not). */
    public int sendDue() {
        if (!leases.acquire(LEASE, LEASE_TERM)) {
            return 0;
        }
        List<WebhookDeliveries.Due> due = deliveries.due(System.currentTimeMillis(), BATCH);
        for (WebhookDeliveries.Due delivery : due) {
            if (!leases.acquire(LEASE, LEASE_TERM)) {
                return due.size(); // another instance took over; what is left is due again in a minute
            }
            Integer status = null;
            String error = null;
            try {
                HttpResponse<Void> response = client.send(request(delivery), HttpResponse.BodyHandlers.discarding());
                status = response.statusCode();
            } catch (java.io.IOException e) {
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return due.size();
            }
            deliveries.record(delivery, status, error, System.currentTimeMillis());
        }
        return due.size();
    }

    private HttpRequest request(WebhookDeliveries.Due delivery) {
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        String eventId;
        try (JsonReader reader = JSON.createReader(new StringReader(delivery.payload()))) {
            eventId = reader.readObject().getString("id");
        }
        return HttpRequest.newBuilder(URI.create(delivery.url())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Berth-Webhooks")
                .header("X-Berth-Delivery", Long.toString(delivery.id()))
                .header("X-Berth-Event", eventId)
                .header("X-Berth-Signature", "sha256=" + sign(secrets.decrypt(delivery.secret()), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** HMAC-SHA256 of the body with the secret, in hex: what a receiver computes to check a delivery. */
    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
