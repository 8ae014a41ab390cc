package io.berth.console;

import io.berth.audit.AuditQueries;
import io.berth.audit.Usage;
import io.berth.lifecycle.Housekeeping;
import io.berth.registry.Repositories;
import io.berth.security.AccessControl;
import io.berth.security.Caller;
import io.berth.security.ConsoleSession;
import io.berth.security.SecuritySettings;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The web console under {@code /console}: server-rendered pages that act as the signed-in user, through the same
 * policy decisions as the APIs. Sign-in itself is the authentication mechanism's; this serves the pages and forms.
 */
@WebServlet(urlPatterns = {"/console", "/console/*"})
public class ConsoleServlet extends HttpServlet {

    static final String ASSETS = ConsoleSession.ASSETS;
    private static final Map<String, String> ASSET_TYPES = Map.of("console.css", "text/css;charset=UTF-8",
            "console.js", "text/javascript;charset=UTF-8");
    private static final int RECENT_ACTIVITY = 10;
    private static final int CHART_DAYS = 30;

    @Inject
    transient Repositories repositories;

    @Inject
    transient RepositoryPages repositoryPages;

    @Inject
    transient AuditTrailPages auditTrailPages;

    @Inject
    transient UsagePages usagePages;

    @Inject
    transient WebhookPages webhookPages;

    @Inject
    transient CollectionPages collectionPages;

    @Inject
    transient IdentityPages identityPages;

    @Inject
    transient AccessControl accessControl;

    @Inject
    transient AuditQueries audit;

    @Inject
    transient Usage usage;

    @Inject
    transient Housekeeping housekeeping;

    @Inject
    transient SecuritySettings settings;

    private transient ConsoleViews views;

    @Override
    public void init() {
        views = new ConsoleViews(getServletContext());
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String page = page(request);
        if (request.getRequestURI().startsWith(ASSETS)) {
            asset(response, request.getRequestURI().substring(ASSETS.length()));
            return;
        }
        if (page.equals("/sign-in")) {
            if (caller(request).isPresent()) {
                redirect(response, "/console");
            } else {
                views.render(request, response, 200, "sign-in", new HashMap<>());
            }
            return;
        }
        Optional<Caller> caller = caller(request);
        if (caller.isEmpty()) {
            redirect(response, ConsoleSession.SIGN_IN);
            return;
        }
        ConsolePage exchange = new ConsolePage(request, response, caller.get(), views, page);
        if (page.equals("/")) {
            dashboard(exchange);
        } else {
            Optional<ConsoleArea> area = area(page);
            if (area.isPresent()) {
                area.get().get(exchange);
            } else {
                exchange.notFound();
            }
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String page = page(request);
        if (page.equals("/sign-in")) {
            if (caller(request).isPresent()) {
                redirect(response, "/console");
            } else {
                Map<String, Object> model = new HashMap<>();
                model.put("failure", request.getAttribute(ConsoleSession.FAILURE));
                model.put("username", request.getParameter("username"));
                views.render(request, response, 401, "sign-in", model);
            }
            return;
        }
        Optional<ConsoleSession> session = ConsoleSession.of(request);
        if (session.isEmpty() || !session.get().tokenMatches(request.getParameter(ConsoleSession.CSRF_FIELD))) {
            // Every form carries the session's token: a post without it was not made by the console's own page.
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write("The form has expired or did not come from the console: reload the page and"
                    + " try again.\n");
            return;
        }
        if (page.equals("/sign-out")) {
            ConsoleSession.end(request);
            redirect(response, ConsoleSession.SIGN_IN);
            return;
        }
        Optional<Caller> caller = caller(request);
        if (caller.isEmpty()) {
            redirect(response, ConsoleSession.SIGN_IN);
            return;
        }
        ConsolePage exchange = new ConsolePage(request, response, caller.get(), views, page);
        Optional<ConsoleArea> area = area(page);
        if (area.isPresent()) {
            area.get().post(exchange);
        } else {
            exchange.notFound();
        }
    }

    private Optional<ConsoleArea> area(String page) {
        return Stream.of(repositoryPages, identityPages, auditTrailPages, usagePages, webhookPages, collectionPages)
                .filter(area -> area.serves(page)).findFirst();
    }

    private void dashboard(ConsolePage page) throws IOException {
        Caller caller = page.caller();
        Map<String, Object> model = page.model("dashboard");
        String account = caller.accountId();
        // The figures are what the usage report shows, which is an account's administrators' to read.
        if (caller.administrator()) {
            model.put("counts", repositories.counts(account));
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            List<Usage.Figures> days = usage.accountDays(account, today.minusDays(CHART_DAYS - 1), today);
            model.put("storedBytes", Format.bytes(days.stream().filter(f -> f.day().equals(today))
                    .mapToLong(Usage.Figures::storedBytes).findFirst().orElse(0)));
            model.put("chart", TransferChart.of(days, today, CHART_DAYS));
        }
        if (settings.operator(caller)) {
            model.put("collection", housekeeping.lastCollection().map(last -> last.state() + ", started "
                    + Format.time(last.startedAt()) + ": " + last.blobsDeleted() + " blobs deleted, "
                    + Format.bytes(last.bytesDeleted()) + " freed").orElse("None has run yet."));
        }
        if (accessControl.allowedAccountAction(caller, "cloudtrail:LookupEvents", page.origin())) {
            long now = System.currentTimeMillis();
            model.put("activity", audit.lookup(account, null, null, now - 90L * 24 * 3600 * 1000, now,
                    RECENT_ACTIVITY, null).stream().map(found -> Activity.of(found.record())).toList());
        }
        page.render(200, "dashboard", model);
    }

    private void asset(HttpServletResponse response, String name) throws IOException {
        String type = ASSET_TYPES.get(name);
        if (type == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType(type);
        response.setHeader("Cache-Control", "max-age=3600");
        try (InputStream asset = getServletContext().getResourceAsStream("/WEB-INF/console/assets/" + name)) {
            asset.transferTo(response.getOutputStream());
        }
    }

    private static String page(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static Optional<Caller> caller(HttpServletRequest request) {
        return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }

    /** 303: after a form, the browser gets the next page, and a reload does not post the form again. */
    private static void redirect(HttpServletResponse response, String location) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }
}
