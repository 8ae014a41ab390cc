package io.berth.console;

import io.berth.security.ConsoleSession;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;

/**
 * What browsers are told about the console's pages: scripts and styles only from the registry itself (no inline
 * script), never inside a frame, forms posted only to the registry, and pages not kept in caches.
 */
@WebFilter({"/console", "/console/*"})
public class ConsoleHeaders extends HttpFilter {

    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        if (!request.getRequestURI().startsWith(ConsoleServlet.ASSETS)) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }

    /**
     * The console's session cookie: sent only to {@code /console} and never to scripts ({@code HttpOnly});
     * {@link ConsoleSession} adds {@code SameSite=Strict} and, over HTTPS, {@code Secure}. Sessions are tracked by the
     * cookie alone, never by an id in the URL.
     */
    @WebListener
    public static class SessionCookie implements ServletContextListener {

        @Override
        public void contextInitialized(ServletContextEvent event) {
            SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
            cookie.setName(ConsoleSession.COOKIE);
            cookie.setPath("/console");
            cookie.setHttpOnly(true);
            // Undertow (WildFly) writes its own cookie after ConsoleSession's, and keeps this attribute.
            cookie.setAttribute("SameSite", "Strict");
            event.getServletContext().setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
        }
    }
}
