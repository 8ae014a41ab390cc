package io.berth.console;

import io.berth.audit.AuditEntry;
import io.berth.webhooks.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Webhooks: an account's targets (create, delete) and each one's delivery attempts. For an account's administrators,
 * as {@code /berth/webhooks}; creating and deleting are recorded as CreateWebhook and DeleteWebhook there are.
 */
@ApplicationScoped
public class WebhookPages implements ConsoleArea {

    static final String PATH = "/webhooks";
    private static final String PREFIX = PATH + "/";
    private static final Set<String> STATES = Set.of("PENDING", "DELIVERED", "DEAD");
    private static final String SECTION = "webhooks";

    @Inject
    Webhooks webhooks;

    @Override
    public boolean serves(String path) {
        return path.equals(PATH) || path.startsWith(PREFIX);
    }

    @Override
    public void get(ConsolePage page) throws IOException {
        if (!administrator(page)) {
            return;
        }
        if (page.path().equals(PATH)) {
            list(page, Map.of(), 200);
            return;
        }
        Optional<Webhooks.Target> target = webhooks.find(page.account(), page.path().substring(PREFIX.length()));
        if (target.isEmpty()) {
            page.notFound();
            return;
        }
        String state = STATES.contains(page.param("state")) ? page.param("state") : null;
        Map<String, Object> model = page.model(SECTION);
        model.put("webhook", target.get());
        model.put("state", state == null ? "" : state);
        model.put("deliveries", webhooks.deliveries(target.get().id(), state).stream().map(DeliveryRow::of).toList());
        page.render(200, "webhook", model);
    }

    @Override
    public void post(ConsolePage page) throws IOException {
        if (!administrator(page)) {
            return;
        }
        if (page.path().equals(PATH)) {
            create(page);
        } else if (page.path().endsWith("/delete")) {
            String id = page.path().substring(PREFIX.length(), page.path().length() - "/delete".length());
            page.audit().call(AuditEntry.BERTH, "DeleteWebhook");
            page.redirect(PATH, webhooks.delete(page.account(), id) ? "Deleted the webhook."
                    : "No such webhook: it was deleted already.");
        } else {
            page.notFound();
        }
    }

    private void create(ConsolePage page) throws IOException {
        page.audit().call(AuditEntry.BERTH, "CreateWebhook");
        URI self = URI.create(page.address());
        try {
            webhooks.register(page.account(), page.param("url"), page.param("eventPattern"), page.text("secret"),
                    self, page.caller().getName());
            page.redirect(PATH, "Created the webhook.");
        } catch (IllegalArgumentException invalid) {
            page.audit().error("INVALID_PARAMETER", invalid.getMessage());
            list(page, Map.of("url", page.param("url"), "eventPattern", page.param("eventPattern"),
                    "error", invalid.getMessage()), 400);
        }
    }

    private void list(ConsolePage page, Map<String, String> form, int status) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        model.put("webhooks", webhooks.list(page.account()).stream().map(t -> new TargetRow(t.id(), t.url(),
                t.pattern(), Format.time(t.createdAt()), t.createdBy())).toList());
        model.put("form", form);
        page.render(status, "webhooks", model);
    }

    private static boolean administrator(ConsolePage page) throws IOException {
        if (page.caller().administrator()) {
            return true;
        }
        page.refused(SECTION, "Only the account's administrators manage its webhooks.");
        return false;
    }

    /** A target as the list shows it. */
    public record TargetRow(String id, String url, String pattern, String created, String createdBy) {
    }

    /** One delivery: its state, attempts, last answer, and the event it carries. */
    public record DeliveryRow(long sequence, String state, int attempts, String lastResult, String created,
                              String delivered, String event) {
        static DeliveryRow of(Webhooks.Delivery d) {
            String result = d.lastStatus() != null ? "HTTP " + d.lastStatus() : d.lastError() != null ? d.lastError()
                    : "not tried yet";
            return new DeliveryRow(d.eventSequence(), d.state(), d.attempts(),
                    d.lastError() != null && d.lastStatus() != null ? result + ": " + d.lastError() : result,
                    Format.time(d.createdAt()), d.deliveredAt() == null ? "" : Format.time(d.deliveredAt()),
                    d.payload());
        }
    }
}
