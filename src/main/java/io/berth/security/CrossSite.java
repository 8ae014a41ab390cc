package io.berth.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-site request forgery: a browser sends Basic credentials it has seen with any request to the same host, even
 * one a page of another site made. Registry clients and the AWS tools send neither {@code Origin} nor
 * {@code Sec-Fetch-Site}; browsers send them, so a state-changing request whose {@code Sec-Fetch-Site} is not
 * same-origin, or whose {@code Origin} is not the registry's own, came from another site's page and is refused.
 * Requests signed with an access key cannot be forged this way and are not affected.
 */
final class CrossSite {

    static final String REFUSAL = "a state-changing request from a web page of another site is refused";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSite() {
    }

    static boolean isCrossSiteChange(HttpServletRequest request, ClientOrigin origin) {
        if (SAFE_METHODS.contains(request.getMethod())) {
            return false;
        }
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            return true;
        }
        String pageOrigin = request.getHeader("Origin");
        return pageOrigin != null && !sameOrigin(pageOrigin, origin.secure() ? "https" : "http",
                request.getHeader("Host"));
    }

    /**
     * Whether a console form came from the console's own pages: browsers send {@code Origin} (or at least {@code
     * Sec-Fetch-Site}) with every form they post; a post with neither is not from a page of the console either.
     */
    static boolean isSameOriginForm(HttpServletRequest request, ClientOrigin origin) {
        String pageOrigin = request.getHeader("Origin");
        if (pageOrigin != null) {
            return sameOrigin(pageOrigin, origin.secure() ? "https" : "http", request.getHeader("Host"));
        }
        return "same-origin".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
    }

    /** Whether {@code scheme://host[:port]} of a page is the registry's own, default ports written or not. */
    static boolean sameOrigin(String pageOrigin, String scheme, String host) {
        if (host == null) {
            return false;
        }
        return normalize(pageOrigin).equals(normalize(scheme + "://" + host));
    }

    private static String normalize(String origin) {
        String lower = origin.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") && lower.endsWith(":80")) {
            return lower.substring(0, lower.length() - 3);
        }
        if (lower.startsWith("https://") && lower.endsWith(":443")) {
            return lower.substring(0, lower.length() - 4);
        }
        return lower;
    }
}
