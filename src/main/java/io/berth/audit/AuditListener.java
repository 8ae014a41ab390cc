package io.berth.audit;

import jakarta.inject.Inject;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Gives every request an {@link AuditEntry} when it begins and records it when it ends, whatever refused it on the
 * way (the authentication mechanism runs before any filter). A request that no boundary named is not recorded.
 */
@WebListener
public class AuditListener implements ServletRequestListener {

    @Inject
    AuditTrail trail;

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (event.getServletRequest() instanceof HttpServletRequest request
                && request.getDispatcherType() == DispatcherType.REQUEST) {
            // The authentication mechanism may have made it already (on Undertow, which calls this after it).
            AuditEntry entry = AuditEntry.of(request);
            if (entry.sourceIp == null) {
                entry.origin(request.getRemoteAddr(), request.getHeader("User-Agent"));
            }
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        if (event.getServletRequest().getAttribute(AuditEntry.ATTRIBUTE) instanceof AuditEntry entry) {
            trail.finish(entry);
        }
    }

    /** Notes the status of requests that reach the application, for refusals no boundary names an error code for. */
    @WebFilter("/*")
    public static class StatusFilter extends HttpFilter {

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            try {
                chain.doFilter(request, response);
            } finally {
                AuditEntry.of(request).status(response.getStatus());
            }
        }
    }
}
