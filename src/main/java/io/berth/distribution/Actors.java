package io.berth.distribution;

import jakarta.ws.rs.core.SecurityContext;

/** Who is making a request, as the domain records it. */
final class Actors {

    static final String ANONYMOUS = "anonymous";

    private Actors() {
    }

    static String of(SecurityContext security) {
        return security != null && security.getUserPrincipal() != null
                ? security.getUserPrincipal().getName() : ANONYMOUS;
    }
}
