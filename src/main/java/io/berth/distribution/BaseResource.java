package io.berth.distribution;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v2/}: the registry implements the distribution API. */
@Path("v2")
public class BaseResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String base() {
        return "{}";
    }
}
