package io.berth.console;

import io.berth.audit.AuditEntry;
import io.berth.audit.AuditQueries;
import io.berth.security.AccessControl;
import io.berth.security.SecuritySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The audit trail: a search with CloudTrail's LookupEvents filters (one lookup attribute, a time range), newest
 * first a page at a time, each record's whole CloudTrail event on demand; and, for the registry's operators, the
 * verification of the trail's hash chain.
 */
@ApplicationScoped
public class AuditTrailPages implements ConsoleArea {

    static final String PATH = "/audit";
    static final String VERIFY = "/audit/verify";
    /** CloudTrail's lookup attributes, in the order its console lists them. */
    static final List<String> ATTRIBUTES = List.of("EventName", "Username", "ResourceName", "ResourceType",
            "EventSource", "ReadOnly", "AccessKeyId", "EventId");
    private static final int PAGE_SIZE = 50;
    /** LookupEvents' default range: the last 90 days. */
    private static final long DEFAULT_RANGE = Duration.ofDays(90).toMillis();
    private static final String SECTION = "audit";

    @Inject
    AuditQueries queries;

    @Inject
    AccessControl accessControl;

    @Inject
    SecuritySettings settings;

    @Override
    public boolean serves(String path) {
        return path.equals(PATH) || path.equals(VERIFY);
    }

    @Override
    public void get(ConsolePage page) throws IOException {
        if (!page.path().equals(PATH)) {
            page.notFound();
        } else if (allowed(page)) {
            search(page, null);
        }
    }

    /** The verification: POST, as it reads the whole trail; for operators, as {@code /berth/audit/verify}. */
    @Override
    public void post(ConsolePage page) throws IOException {
        if (!page.path().equals(VERIFY)) {
            page.notFound();
            return;
        }
        page.audit().call(AuditEntry.BERTH, "VerifyAuditTrail");
        if (!settings.operator(page.caller())) {
            page.audit().error("DENIED", "not an operator");
            page.refused(SECTION, "Only administrators of account " + settings.bootstrapAccount()
                    + " verify the audit trail.");
            return;
        }
        AuditQueries.Verification result = queries.verify(0, Long.MAX_VALUE);
        search(page, result.valid()
                ? "The trail is intact: " + result.checked() + " records checked, each one's hash chained to the one"
                + " before it."
                : "The trail has been changed: record " + result.firstMismatch() + " does not match (" + result.reason()
                + "); " + result.checked() + " records checked.");
    }

    private boolean allowed(ConsolePage page) throws IOException {
        if (accessControl.allowedAccountAction(page.caller(), "cloudtrail:LookupEvents", page.origin())) {
            return true;
        }
        page.refused(SECTION, "You may not read the audit trail: your policies do not allow cloudtrail:LookupEvents.");
        return false;
    }

    private void search(ConsolePage page, String verification) throws IOException {
        Map<String, Object> model = page.model(SECTION);
        String attribute = page.param("attribute");
        String value = page.param("value");
        model.put("attributes", ATTRIBUTES);
        model.put("attribute", attribute);
        model.put("value", value);
        model.put("start", page.param("start"));
        model.put("end", page.param("end"));
        model.put("operator", settings.operator(page.caller()));
        model.put("verification", verification);
        String error = null;
        long now = System.currentTimeMillis();
        long start = now - DEFAULT_RANGE;
        long end = now;
        try {
            if (!page.param("start").isEmpty()) {
                start = utc(page.param("start"));
            }
            if (!page.param("end").isEmpty()) {
                // The minute given is included whole.
                end = utc(page.param("end")) + 59_999;
            }
        } catch (DateTimeParseException e) {
            error = "Times are dates and times in UTC, such as 2026-12-03T10:30.";
        }
        if (error == null && start > end) {
            error = "The start time must not be after the end time.";
        }
        if (error == null && !attribute.isEmpty() && !ATTRIBUTES.contains(attribute)) {
            error = "Look up by one of " + String.join(", ", ATTRIBUTES) + ".";
        }
        if (error == null && attribute.equals("ReadOnly") && !value.equals("true") && !value.equals("false")) {
            error = "The value of the ReadOnly attribute is true or false.";
        }
        if (error == null && !attribute.isEmpty() && value.isEmpty()) {
            error = "Give the value that " + attribute + " must have.";
        }
        if (error != null) {
            model.put("error", error);
            model.put("records", List.of());
            page.render(400, "audit", model);
            return;
        }
        long after = page.number("after", 0);
        List<AuditQueries.Found> found = queries.lookup(page.account(), attribute.isEmpty() ? null : attribute,
                attribute.isEmpty() ? null : value, start, end, PAGE_SIZE + 1,
                after > 0 ? new AuditQueries.Position(after) : null);
        model.put("records", found.subList(0, Math.min(PAGE_SIZE, found.size())).stream()
                .map(each -> Activity.of(each.record())).toList());
        model.put("next", found.size() > PAGE_SIZE ? found.get(PAGE_SIZE - 1).id() : null);
        page.render(200, "audit", model);
    }

    /** A {@code datetime-local} field's value, read as UTC. */
    private static long utc(String local) {
        return LocalDateTime.parse(local).truncatedTo(ChronoUnit.MINUTES).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

}
