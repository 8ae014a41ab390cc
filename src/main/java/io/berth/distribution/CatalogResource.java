package io.berth.distribution;

import io.berth.registry.Manifests;
import io.berth.registry.Page;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /v2/_catalog}: repository names in lexical order, paginated. */
@Path("v2/_catalog")
public class CatalogResource {

    @Inject
    Manifests manifests;

    @GET
    public Response list(@QueryParam("n") String n, @QueryParam("last") String last) {
        int limit = Pagination.limit(n);
        Page page = manifests.catalog(last, limit);
        String body = "{\"repositories\":" + Pagination.jsonArray(page.items()) + "}";
        return Pagination.link(Response.ok(body, MediaType.APPLICATION_JSON_TYPE), "/v2/_catalog", page, limit)
                .build();
    }
}
