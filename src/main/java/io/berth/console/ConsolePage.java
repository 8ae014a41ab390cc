package io.berth.console;

import io.berth.audit.AuditEntry;
import io.berth.security.Caller;
import io.berth.security.ClientOrigin;
import io.berth.security.ConsoleSession;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One request to a signed-in console page: who asks, what for (the path under {@code /console}, the form's fields),
 * and the ways to answer: a rendered page, a redirect with a message for the next page, a refusal.
 */
final class ConsolePage {

    private static final String FLASH = ConsolePage.class.getName() + ".flash";

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Caller caller;
    private final ConsoleViews views;
    private final String path;

    ConsolePage(HttpServletRequest request, HttpServletResponse response, Caller caller, ConsoleViews views,
                String path) {
        this.request = request;
        this.response = response;
        this.caller = caller;
        this.views = views;
        this.path = path;
    }

    Caller caller() {
        return caller;
    }

    String account() {
        return caller.accountId();
    }

    /** The path under {@code /console}, such as {@code /repositories/team/app}. */
    String path() {
        return path;
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /** A query or form field, without surrounding white space; empty when absent. */
    String param(String name) {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }

    /** A form field as typed, white space kept (policy documents); empty when absent. */
    String text(String name) {
        String value = request.getParameter(name);
        return value == null ? "" : value;
    }

    boolean checked(String name) {
        return request.getParameter(name) != null;
    }

    int number(String name, int otherwise) {
        try {
            return Integer.parseInt(param(name));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** {@code scheme://host:port} as this request reached the registry. */
    String address() {
        return request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort();
    }

    ClientOrigin origin() {
        return (ClientOrigin) request.getAttribute(ClientOrigin.ATTRIBUTE);
    }

    /** The request's audit entry: an action the console takes is recorded as the API call it makes. */
    AuditEntry audit() {
        return AuditEntry.of(request);
    }

    /** What every page shows: who is signed in, the navigation, the token its forms carry, the last action's note. */
    Map<String, Object> model(String section) {
        Map<String, Object> model = new HashMap<>();
        model.put("caller", caller.getName());
        model.put("section", section);
        model.put("csrf", ConsoleSession.of(request).map(ConsoleSession::csrfToken).orElse(""));
        HttpSession session = request.getSession(false);
        if (session != null && session.getAttribute(FLASH) instanceof String flash) {
            session.removeAttribute(FLASH);
            model.put("flash", flash);
        }
        return model;
    }

    void render(int status, String view, Map<String, Object> model) throws IOException {
        views.render(request, response, status, view, model);
    }

    /**
     * 303 to another console page ({@code location} is under {@code /console}), with a note of what was done for it to show: after a form, the browser gets the
     * next page, and a reload does not post the form again.
     */
    void redirect(String location, String note) {
        if (note != null) {
            Optional.ofNullable(request.getSession(false)).ifPresent(session -> session.setAttribute(FLASH, note));
        }
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", "/console" + location);
    }

    /** 403 with a page that says what was refused and which permission is missing. */
    void refused(String section, String message) throws IOException {
        Map<String, Object> model = model(section);
        model.put("message", message);
        render(403, "refused", model);
    }

    void notFound() throws IOException {
        render(404, "not-found", model(""));
    }
}
