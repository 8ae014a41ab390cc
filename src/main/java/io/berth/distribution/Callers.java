package io.berth.distribution;

import io.berth.registry.Names;
import io.berth.registry.RepositoryName;
import io.berth.security.Caller;
import io.berth.security.ClientOrigin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotAuthorizedException;

/**
 * Who is making a request (as the authentication mechanism verified it), and which account's repository a name in
 * the path means: {@code /v2/<name>/…} is a repository of the caller's own account, {@code /v2/<12-digit
 * account>/<name>/…} one of that account.
 */
final class Callers {

    private Callers() {
    }

    static Caller of(HttpServletRequest request) {
        if (request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller) {
            return caller;
        }
        // The mechanism lets no unauthenticated request through to /v2; this is a second line.
        throw new NotAuthorizedException("Basic realm=\"Berth\"");
    }

    /** Where the request comes from, as the authentication mechanism determined it. */
    static ClientOrigin origin(HttpServletRequest request) {
        return (ClientOrigin) request.getAttribute(ClientOrigin.ATTRIBUTE);
    }

    /** The name audit records and events carry. */
    static String actor(HttpServletRequest request) {
        return of(request).getName();
    }

    /** The repository a path's name stands for: of the account it names first, else of the caller's account. */
    static RepositoryName repository(HttpServletRequest request, String name) {
        Names.requireRepositoryName(name);
        return Names.isAccountPrefixed(name) ? RepositoryName.parse(name)
                : new RepositoryName(of(request).accountId(), name);
    }
}
