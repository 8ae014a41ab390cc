package io.berth.audit;

import io.berth.platform.RegistryMetrics;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives every request an {@link AuditEntry} when it begins and records it when it ends, whatever refused it on the
 * way (the authentication mechanism runs before any filter). A request that no boundary named is not recorded.
 */
@WebListener
public class AuditListener implements ServletRequestListener {

    @Inject
    AuditTrail trail;

    @Inject
    RegistryMetrics metrics;

    /** BERTH_AUDIT=false records no call (for measuring what the audit trail costs; usage then counts no calls). */
    @Inject
    @ConfigProperty(name = "berth.audit", defaultValue = "true")
    boolean enabled;

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (event.getServletRequest() instanceof HttpServletRequest request
                && request.getDispatcherType() == DispatcherType.REQUEST) {
            AuditEntry entry = new AuditEntry();
            entry.userAgent = request.getHeader("User-Agent");
            entry.sourceIp = request.getRemoteAddr();
            request.setAttribute(AuditEntry.ATTRIBUTE, entry);
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        if (event.getServletRequest().getAttribute(AuditEntry.ATTRIBUTE) instanceof AuditEntry entry
                && entry.named()) {
            if (enabled) {
                trail.record(entry);
            }
            metrics.request(entry.name, entry.status);
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
