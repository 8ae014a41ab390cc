package io.berth.distribution;

import io.berth.registry.Manifests;
import io.berth.registry.Names;
import io.berth.registry.Page;
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

    @Inject
    Manifests manifests;

    @Inject
    AccessControl accessControl;

    @Context
    HttpServletRequest request;

    @GET
    public Response list(@QueryParam("n") String n, @QueryParam("last") String last) {
        int limit = Pagination.limit(n);
        Caller caller = Callers.of(request);
        List<String> visible = new ArrayList<>();
        String after = last;
        boolean more = true;
        // Names the caller may not describe are skipped; read on until the page is full or the names run out.
        while (visible.size() <= limit && more) {
            Page page = manifests.catalog(caller.accountId(), after, limit + 1);
            for (String name : page.items()) {
                if (visible.size() <= limit && accessControl.allowed(caller, "ecr:DescribeRepositories",
                        Names.qualify(caller.accountId(), name), request.getRemoteAddr())) {
                    visible.add(name);
                }
                after = name;
            }
            more = page.more();
        }
        Page page = visible.size() > limit ? new Page(visible.subList(0, limit), true) : new Page(visible, false);
        String body = "{\"repositories\":" + Pagination.jsonArray(page.items()) + "}";
        return Pagination.link(Response.ok(body, MediaType.APPLICATION_JSON_TYPE), "/v2/_catalog", page, limit)
                .build();
    }
}
