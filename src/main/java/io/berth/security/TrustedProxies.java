package io.berth.security;

import io.berth.security.policy.IpRange;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} Berth believes ({@code
 * BERTH_TRUSTED_PROXIES}, comma-separated CIDR blocks; none by default). From anyone else those headers are
 * ignored: a client could write anything in them.
 */
@ApplicationScoped
public class TrustedProxies {

    @Inject
    @ConfigProperty(name = "berth.trusted.proxies")
    Optional<String> setting;

    private List<IpRange> proxies = List.of();

    @PostConstruct
    void parse() {
        proxies = parse(setting.orElse(""));
    }

    static List<IpRange> parse(String setting) {
        List<IpRange> ranges = new ArrayList<>();
        for (String block : setting.split(",")) {
            if (!block.isBlank()) {
                try {
                    ranges.add(IpRange.parse(block.strip()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("BERTH_TRUSTED_PROXIES: '" + block.strip() + "' is not a CIDR"
                            + " block or address: " + e.getMessage(), e);
                }
            }
        }
        return List.copyOf(ranges);
    }

    public ClientOrigin origin(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (!trusted(proxies, peer)) { // the common case: no proxy, and no headers to read
            return new ClientOrigin(peer, request.isSecure());
        }
        return origin(proxies, peer, request.isSecure(), Collections.list(request.getHeaders("X-Forwarded-For")),
                request.getHeader("X-Forwarded-Proto"));
    }

    /**
     * The client: walking {@code X-Forwarded-For} from the nearest hop back, the first address that is not a
     * trusted proxy (entries further back were written by whoever sent them, and prove nothing). The scheme is the
     * nearest proxy's {@code X-Forwarded-Proto}.
     */
    static ClientOrigin origin(List<IpRange> proxies, String peer, boolean secure, List<String> forwardedFor,
                               String forwardedProto) {
        if (!trusted(proxies, peer)) {
            return new ClientOrigin(peer, secure);
        }
        List<String> hops = new ArrayList<>();
        forwardedFor.forEach(header -> {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        });
        String client = peer;
        for (int i = hops.size() - 1; i >= 0 && trusted(proxies, client); i--) {
            client = hops.get(i);
        }
        boolean overTls = forwardedProto != null
                ? forwardedProto.split(",")[0].strip().equalsIgnoreCase("https") : secure;
        return new ClientOrigin(client, overTls);
    }

    private static boolean trusted(List<IpRange> proxies, String address) {
        return proxies.stream().anyMatch(range -> range.contains(address));
    }
}
