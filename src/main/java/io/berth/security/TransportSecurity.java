package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * HTTPS for every client once it is on: a request over plain HTTP is sent to the HTTPS listener
 * ({@code BERTH_TLS_REDIRECT=true}) before any credential is asked for or read, and answers over TLS tell browsers to
 * come back only over HTTPS ({@code BERTH_HSTS_SECONDS}, Strict-Transport-Security). The TLS listener itself is the
 * runtime's (server-config/run.sh turns it on with BERTH_TLS_KEYSTORE).
 */
@ApplicationScoped
public class TransportSecurity {

    @Inject
    @ConfigProperty(name = "berth.tls.redirect", defaultValue = "false")
    boolean redirect;

    @Inject
    @ConfigProperty(name = "berth.tls.port", defaultValue = "5443")
    int tlsPort;

    @Inject
    @ConfigProperty(name = "berth.hsts.seconds", defaultValue = "0")
    long hstsSeconds;

    @Inject
    @ConfigProperty(name = "berth.public.url")
    Optional<String> publicUrl;

    /**
     * Answers a plain-HTTP request with a redirect to the same URL over HTTPS when redirecting is on, and says so;
     * adds Strict-Transport-Security to an answer over TLS when it is configured.
     */
    boolean redirected(HttpServletRequest request, HttpServletResponse response, ClientOrigin origin) {
        if (origin.secure()) {
            if (hstsSeconds > 0) {
                response.setHeader("Strict-Transport-Security", "max-age=" + hstsSeconds);
            }
            return false;
        }
        if (!redirect) {
            return false;
        }
        String query = request.getQueryString();
        // 308, not 301: a client keeps its method and body (a PUT of a manifest, a POST of a form).
        response.setStatus(308);
        response.setHeader("Location", httpsAuthority(request) + request.getRequestURI()
                + (query == null ? "" : "?" + query));
        return true;
    }

    /** {@code https://host:port} as clients reach it: BERTH_PUBLIC_URL's if https, else the request's host. */
    private String httpsAuthority(HttpServletRequest request) {
        Optional<URI> configured = publicUrl.map(URI::create).filter(url -> "https".equals(url.getScheme()));
        if (configured.isPresent()) {
            return "https://" + configured.get().getAuthority();
        }
        String host = request.getServerName();
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + (tlsPort == 443 ? "" : ":" + tlsPort);
    }
}
