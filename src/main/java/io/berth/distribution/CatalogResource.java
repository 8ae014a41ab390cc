package io.berth.distribution;

import io.berth.audit.AuditEntry;
import io.berth.registry.Manifests;
import io.berth.registry.Page;
import io.berth.registry.RepositoryName;
import io.berth.security.AccessControl;
import io.berth.security.Caller;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v2/_catalog}: the names of the caller's account's repositories that the caller may describe
 * ({@code ecr:DescribeRepositories}), in lexical order, paginated.
 */
@Path("v2/_catalog")
public class CatalogResource {

    /** Names a request may examine per item of the page it asked for. */
    private static final int EXAMINED_PER_ITEM = 10;

    @Inject
    Manifests manifests;

    @Inject
    AccessControl accessControl;

    @Context
    HttpServletRequest request;

    @GET
    public Response list(@QueryParam("n") String n, @QueryParam("last") String last) {
        AuditEntry.of(request).call(AuditEntry.ECR, "DescribeRepositories");
        int limit = Pagination.limit(n);
        Caller caller = Callers.of(request);
        List<String> visible = new ArrayList<>();
        String after = last;
        boolean more = true;
        // Names the caller may not describe are skipped. A request examines at most a few pages' worth of names:
        // when they run out before the page is full, the page ends there, shorter, with a Link to go on from the
        // last name examined. So a caller who may describe little costs O(page) per request, not the account.
        int examined = 0;
        int budget = EXAMINED_PER_ITEM * (limit + 1);
        while (visible.size() < limit && more && examined < budget) {
            Page batch = manifests.catalog(caller.accountId(), after, Math.min(limit, budget - examined));
            List<String> names = batch.items();
            int used = 0;
            while (used < names.size() && visible.size() < limit) {
                String name = names.get(used++);
                examined++;
                after = name;
                if (accessControl.allowed(caller, "ecr:DescribeRepositories",
                        new RepositoryName(caller.accountId(), name), Callers.origin(request))) {
                    visible.add(name);
                }
            }
            more = used < names.size() || batch.more();
        }
        // The next page starts after the last name examined, which need not be the last one shown.
        String next = more ? after : null;
        String body = "{\"repositories\":" + Pagination.jsonArray(visible) + "}";
        return Pagination.link(Response.ok(body, MediaType.APPLICATION_JSON_TYPE), "/v2/_catalog", next, limit)
                .build();
    }
}
