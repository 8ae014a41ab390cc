package io.berth.distribution;

import io.berth.registry.Manifests;
import io.berth.registry.Page;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /v2/<name>/tags/list}: a repository's tags in lexical order, paginated. */
@Path("v2/{name: .+}/tags/list")
public class TagsResource {

    @Context
    HttpServletRequest request;

    @Inject
    Manifests manifests;

    @Guarded("ecr:ListImages")
    @GET
    public Response list(@PathParam("name") String name, @QueryParam("n") String n, @QueryParam("last") String last) {
        int limit = Pagination.limit(n);
        Page page = manifests.tags(Callers.repository(request, name), last, limit);
        // name and tags passed the spec's grammar: nothing in them needs JSON escaping
        String body = "{\"name\":\"" + name + "\",\"tags\":" + Pagination.jsonArray(page.items()) + "}";
        return Pagination.link(Response.ok(body, MediaType.APPLICATION_JSON_TYPE), "/v2/" + name + "/tags/list",
                page, limit).build();
    }
}
