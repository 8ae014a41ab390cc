package io.berth.console;

import io.berth.audit.AuditQueries;
import io.berth.audit.Usage;
import io.berth.lifecycle.Housekeeping;
import io.berth.registry.ImageListing;
import io.berth.registry.Names;
import io.berth.registry.Repositories;
import io.berth.registry.Repository;
import io.berth.registry.RepositoryName;
import io.berth.security.AccessControl;
import io.berth.security.Caller;
import io.berth.security.ClientOrigin;
import io.berth.security.ConsoleSession;
import io.berth.security.SecuritySettings;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The web console under {@code /console}: server-rendered pages that act as the signed-in user, through the same
 * policy decisions as the APIs. Sign-in itself is the authentication mechanism's; this serves the pages and forms.
 */
@WebServlet(urlPatterns = {"/console", "/console/*"})
public class ConsoleServlet extends HttpServlet {

    static final int PAGE_SIZE = 50;
    static final String ASSETS = ConsoleSession.ASSETS;
    private static final String REPOSITORY = "/repositories/";
    private static final Map<String, String> ASSET_TYPES = Map.of("console.css", "text/css;charset=UTF-8",
            "console.js", "text/javascript;charset=UTF-8");
    private static final int RECENT_ACTIVITY = 10;
    private static final int CHART_DAYS = 30;

    @Inject
    transient Repositories repositories;

    @Inject
    transient ImageListing images;

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

    @Inject
    @ConfigProperty(name = "berth.public.url")
    transient Optional<String> publicUrl;

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
        if (page.startsWith(REPOSITORY)) {
            repository(request, response, caller.get(), page.substring(REPOSITORY.length()));
            return;
        }
        switch (page) {
            case "/" -> dashboard(request, response, caller.get());
            case "/repositories" -> repositories(request, response, caller.get());
            default -> notFound(request, response, caller.get());
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
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }

    private void dashboard(HttpServletRequest request, HttpServletResponse response, Caller caller)
            throws IOException {
        Map<String, Object> model = model(request, caller, "dashboard");
        String account = caller.accountId();
        // The figures are what the usage report shows, which is an account's administrators' to read.
        if (caller.administrator()) {
            model.put("counts", repositories.counts(account));
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            List<Usage.Figures> days = usage.asMeasured(account, today.minusDays(CHART_DAYS - 1), today).stream()
                    .filter(figures -> figures.repository().isEmpty()).toList();
            model.put("storedBytes", Format.bytes(days.stream().filter(f -> f.day().equals(today))
                    .mapToLong(Usage.Figures::storedBytes).findFirst().orElse(0)));
            model.put("chart", TransferChart.of(days, today, CHART_DAYS));
        }
        if (caller.administrator() && account.equals(settings.bootstrapAccount())) {
            model.put("collection", housekeeping.lastCollection().map(last -> last.state() + ", started "
                    + Format.time(last.startedAt()) + ": " + last.blobsDeleted() + " blobs deleted, "
                    + Format.bytes(last.bytesDeleted()) + " freed").orElse("None has run yet."));
        }
        if (accessControl.allowedAccountAction(caller, "cloudtrail:LookupEvents", origin(request))) {
            long now = System.currentTimeMillis();
            model.put("activity", audit.lookup(account, null, null, now - 90L * 24 * 3600 * 1000, now,
                    RECENT_ACTIVITY, null).stream().map(found -> Activity.of(found.record())).toList());
        }
        views.render(request, response, 200, "dashboard", model);
    }

    /**
     * The repositories the caller may describe, whose names start with the prefix searched for, in name order, a
     * page at a time: each page reads the next names after the last one shown, so that it stays fast however many
     * repositories there are.
     */
    private void repositories(HttpServletRequest request, HttpServletResponse response, Caller caller)
            throws IOException {
        Map<String, Object> model = model(request, caller, "repositories");
        String prefix = Optional.ofNullable(request.getParameter("prefix")).orElse("").strip();
        String after = request.getParameter("after");
        List<Repository> page = repositories.list(caller.accountId(), prefix, after, PAGE_SIZE + 1);
        List<Repository> shown = new ArrayList<>();
        ClientOrigin origin = origin(request);
        for (Repository repository : page.subList(0, Math.min(PAGE_SIZE, page.size()))) {
            if (accessControl.allowed(caller, "ecr:DescribeRepositories", repository.repositoryName(), origin)) {
                shown.add(repository);
            }
        }
        model.put("prefix", prefix);
        model.put("repositories", shown.stream().map(RepositoryRow::of).toList());
        model.put("next", page.size() > PAGE_SIZE ? page.get(PAGE_SIZE - 1).name() : null);
        model.put("registry", registry(request));
        views.render(request, response, 200, "repositories", model);
    }

    /** A repository's images, a page at a time, with the commands that pull them. */
    private void repository(HttpServletRequest request, HttpServletResponse response, Caller caller, String name)
            throws IOException {
        if (!Names.isRepositoryName(name)) {
            notFound(request, response, caller);
            return;
        }
        RepositoryName repository = new RepositoryName(caller.accountId(), name);
        if (!accessControl.allowed(caller, "ecr:DescribeImages", repository, origin(request))) {
            Map<String, Object> model = model(request, caller, "repositories");
            model.put("message", "You may not list the images of " + name + ": your policies do not allow"
                    + " ecr:DescribeImages on it.");
            views.render(request, response, 403, "refused", model);
            return;
        }
        if (repositories.find(repository).isEmpty()) {
            notFound(request, response, caller);
            return;
        }
        int offset = Math.max(0, parseOrZero(request.getParameter("from")));
        List<ImageListing.ImageDetails> page = images.describe(repository, ImageListing.TagStatus.ANY, offset,
                PAGE_SIZE + 1);
        Map<String, Object> model = model(request, caller, "repositories");
        model.put("name", name);
        model.put("images", page.subList(0, Math.min(PAGE_SIZE, page.size())).stream().map(ImageRow::of).toList());
        model.put("next", page.size() > PAGE_SIZE ? offset + PAGE_SIZE : null);
        model.put("registry", registry(request));
        views.render(request, response, 200, "repository", model);
    }

    private static int parseOrZero(String number) {
        try {
            return number == null ? 0 : Integer.parseInt(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The registry's host and port as clients name it in image references: BERTH_PUBLIC_URL's, as in ECR's
     * proxyEndpoint, else the request's.
     */
    private String registry(HttpServletRequest request) {
        return publicUrl.map(url -> URI.create(url).getAuthority()).orElseGet(() -> request.getServerName()
                + (request.getServerPort() == 80 || request.getServerPort() == 443 ? ""
                : ":" + request.getServerPort()));
    }

    private void notFound(HttpServletRequest request, HttpServletResponse response, Caller caller)
            throws IOException {
        views.render(request, response, 404, "not-found", model(request, caller, ""));
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

    /** What every page shows: who is signed in, the navigation, and the token its forms carry. */
    private static Map<String, Object> model(HttpServletRequest request, Caller caller, String section) {
        Map<String, Object> model = new HashMap<>();
        model.put("caller", caller.getName());
        model.put("section", section);
        model.put("csrf", ConsoleSession.of(request).map(ConsoleSession::csrfToken).orElse(""));
        return model;
    }

    private static String page(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path == null || path.isEmpty() ? "/" : path;
    }

    private static Optional<Caller> caller(HttpServletRequest request) {
        return request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }

    private static ClientOrigin origin(HttpServletRequest request) {
        return (ClientOrigin) request.getAttribute(ClientOrigin.ATTRIBUTE);
    }

    /** 303: after a form, the browser gets the next page, and a reload does not post the form again. */
    private static void redirect(HttpServletResponse response, String location) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }
}
