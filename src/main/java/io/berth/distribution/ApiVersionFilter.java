package io.berth.distribution;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * Every /v2 response carries the API version header. Paths with encoded slashes, dot segments or empty segments are
 * refused before routing: a repository name is only ever what the client literally wrote.
 */
@Provider
@PreMatching
public class ApiVersionFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String raw = request.getUriInfo().getRequestUri().getRawPath();
        if (raw == null || !raw.startsWith("/v2/")) {
            return;
        }
        String rest = raw.substring("/v2/".length());
        String lower = rest.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || rest.contains("//")
                || rest.startsWith("/") || rest.contains("/./") || rest.contains("/../")
                || rest.startsWith("./") || rest.startsWith("../") || rest.endsWith("/..")
                || rest.endsWith("/.") || rest.contains("\\")) {
            request.abortWith(OciError.NAME_INVALID.response("invalid repository name or path", null));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        // The request URI's own path: UriInfo.getPath() has a leading slash on some JAX-RS implementations only.
        String path = request.getUriInfo().getRequestUri().getRawPath();
        if (path != null && (path.equals("/v2") || path.startsWith("/v2/"))) {
            response.getHeaders().putSingle("Docker-Distribution-API-Version", "registry/2.0");
        }
    }
}
