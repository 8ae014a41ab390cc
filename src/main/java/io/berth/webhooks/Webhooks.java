package io.berth.webhooks;

import io.berth.events.Published;
import io.berth.platform.TextColumn;
import io.berth.security.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Webhook targets and their deliveries. Every delivered domain event that a target's pattern matches becomes a
 * delivery row in the outbox delivery's transaction (once per target and event, however often the outbox delivers
 * it); {@link WebhookSender} sends the rows.
 */
@ApplicationScoped
public class Webhooks {

    /** At most this many targets per account. */
    static final int MAX_PER_ACCOUNT = 20;

    @PersistenceContext
    EntityManager em;

    @Inject
    SecretBox secrets;

    @Inject
    @ConfigProperty(name = "berth.region", defaultValue = "us-east-1")
    String region;

    public record Target(String id, String accountId, String url, String pattern, long createdAt, String createdBy) {
    }

    public record Delivery(long id, long eventSequence, String state, int attempts, long nextAttemptAt,
                           Integer lastStatus, String lastError, long createdAt, Long deliveredAt, String payload) {
    }

    /**
     * Registers a target. IllegalArgumentException saying what is wrong with the URL (http or https, not the
     * registry itself: {@code self} is the registry's own address as the request reached it), the pattern or the
     * secret; nothing is stored then.
     */
    @Transactional
    public Target register(String accountId, String url, String patternText, String secret, URI self,
                           String actor) {
        URI target = checkUrl(url, self);
        EventPattern pattern = EventPattern.parse(patternText);
        if (secret == null || secret.length() < 16 || secret.length() > 256) {
            throw new IllegalArgumentException("secret: 16 to 256 characters, to sign deliveries with");
        }
        long count = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM webhook WHERE account_id = ?")
                .setParameter(1, accountId).getSingleResult()).longValue();
        if (count >= MAX_PER_ACCOUNT) {
            throw new IllegalArgumentException("an account has at most " + MAX_PER_ACCOUNT + " webhooks");
        }
        Target created = new Target(UUID.randomUUID().toString(), accountId, target.toString(), pattern.text(),
                System.currentTimeMillis(), actor);
        targetsByAccount.remove(accountId);
        em.createNativeQuery("INSERT INTO webhook (id, account_id, url, pattern, secret, created_at, created_by)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .setParameter(1, created.id()).setParameter(2, accountId).setParameter(3, created.url())
                .setParameter(4, created.pattern()).setParameter(5, secrets.encrypt(secret))
                .setParameter(6, created.createdAt()).setParameter(7, actor).executeUpdate();
        return created;
    }

    private static URI checkUrl(String url, URI self) {
        URI target;
        try {
            target = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("url: not a URL");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null
                || target.getUserInfo() != null) {
            throw new IllegalArgumentException("url: an http or https URL with a host and no user name");
        }
        int port = target.getPort() >= 0 ? target.getPort() : scheme.equals("https") ? 443 : 80;
        int selfPort = self.getPort() >= 0 ? self.getPort() : "https".equals(self.getScheme()) ? 443 : 80;
        boolean loopback = isLoopback(target.getHost()) && isLoopback(self.getHost());
        if (port == selfPort && (target.getHost().equalsIgnoreCase(self.getHost()) || loopback)) {
            throw new IllegalArgumentException("url: that is this registry; a webhook calls another service");
        }
        return target;
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    public List<Target> list(String accountId) {
        List<?> rows = em.createNativeQuery("SELECT id, account_id, url, pattern, created_at, created_by FROM webhook"
                + " WHERE account_id = ? ORDER BY created_at, id").setParameter(1, accountId).getResultList();
        return rows.stream().map(row -> target((Object[]) row)).toList();
    }

    public Optional<Target> find(String accountId, String id) {
        return list(accountId).stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** Removes a target with its deliveries; false when the account has no such target. */
    @Transactional
    public boolean delete(String accountId, String id) {
        targetsByAccount.remove(accountId);
        return em.createNativeQuery("DELETE FROM webhook WHERE account_id = ? AND id = ?")
                .setParameter(1, accountId).setParameter(2, id).executeUpdate() == 1;
    }

    /** A target's deliveries, newest first, optionally in one state (PENDING, DELIVERED, DEAD); at most 100. */
    public List<Delivery> deliveries(String webhookId, String state) {
        var query = em.createNativeQuery("SELECT id, event_sequence, state, attempts, next_attempt_at, last_status,"
                + " last_error, created_at, delivered_at, payload FROM webhook_delivery WHERE webhook_id = ?"
                + (state != null ? " AND state = ?" : "") + " ORDER BY id DESC").setParameter(1, webhookId)
                .setMaxResults(100);
        if (state != null) {
            query.setParameter(2, state);
        }
        return ((List<?>) query.getResultList()).stream().map(row -> {
            Object[] r = (Object[]) row;
            return new Delivery(((Number) r[0]).longValue(), ((Number) r[1]).longValue(), (String) r[2],
                    ((Number) r[3]).intValue(), ((Number) r[4]).longValue(),
                    r[5] == null ? null : ((Number) r[5]).intValue(), (String) r[6], ((Number) r[7]).longValue(),
                    r[8] == null ? null : ((Number) r[8]).longValue(), TextColumn.read(r[9]));
        }).toList();
    }

    /**
     * Each account's targets as the delivery last read them, for a second: under load most events (pulls) match no
     * target, and reading the targets for each would cost a query an event. A target registered on another instance
     * is seen within that second.
     */
    private final Map<String, Map.Entry<Long, Map<Target, EventPattern>>> targetsByAccount =
            new ConcurrentHashMap<>();

    /** The account's targets with their patterns, parsed once per reading. */
    private Map<Target, EventPattern> targets(String account) {
        long now = System.currentTimeMillis();
        Map.Entry<Long, Map<Target, EventPattern>> cached = targetsByAccount.get(account);
        if (cached == null || now - cached.getKey() > 1000) {
            Map<Target, EventPattern> targets = new LinkedHashMap<>();
            list(account).forEach(target -> targets.put(target, EventPattern.parse(target.pattern())));
            cached = Map.entry(now, targets);
            targetsByAccount.put(account, cached);
        }
        return cached.getValue();
    }

    /** Queues a delivery for each target the event matches, in the outbox delivery's transaction. */
    void fanOut(@Observes Published published) {
        String account = published.event().accountId();
        if (account == null) {
            return;
        }
        Map<Target, EventPattern> targets = targets(account);
        if (targets.isEmpty()) {
            return;
        }
        Optional<JsonObject> event = EventBridge.of(published.sequence(), published.event(), region);
        if (event.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Map.Entry<Target, EventPattern> matching : targets.entrySet()) {
            Target target = matching.getKey();
            if (!matching.getValue().matches(event.get())) {
                continue;
            }
            // The outbox may deliver an event again: the unique (webhook, event) pair makes that a no-op here.
            long known = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM webhook_delivery WHERE webhook_id = ?"
                    + " AND event_sequence = ?").setParameter(1, target.id()).setParameter(2, published.sequence())
                    .getSingleResult()).longValue();
            if (known == 0) {
                em.createNativeQuery("INSERT INTO webhook_delivery (webhook_id, event_sequence, payload, state,"
                                + " attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'PENDING', 0, ?, ?)")
                        .setParameter(1, target.id()).setParameter(2, published.sequence())
                        .setParameter(3, event.get().toString()).setParameter(4, now).setParameter(5, now)
                        .executeUpdate();
            }
        }
    }

    private static Target target(Object[] row) {
        return new Target((String) row[0], (String) row[1], (String) row[2], TextColumn.read(row[3]),
                ((Number) row[4]).longValue(), (String) row[5]);
    }
}
