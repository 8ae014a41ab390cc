package io.berth.distribution;

import static io.berth.platform.Jsonp.JSON;

import io.berth.registry.Manifests;
import io.berth.registry.MediaTypes;
import io.berth.registry.Reference;
import io.berth.registry.Referrer;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.List;

/** {@code GET /v2/<name>/referrers/<digest>}: the manifests whose subject is the digest, as an OCI image index. */
@Path("v2/{name: .+}/referrers/{digest}")
public class ReferrersResource {

    @Context
    HttpServletRequest request;

    @Inject
    Manifests manifests;

    @Guarded("ecr:ListImageReferrers")
    @GET
    public Response list(@PathParam("name") String name, @PathParam("digest") String digest,
                         @QueryParam("artifactType") String artifactType) {
        List<Referrer> referrers = manifests.referrers(Callers.repository(request, name),
                Reference.parseDigest(digest), artifactType);
        JsonArrayBuilder descriptors = JSON.createArrayBuilder();
        for (Referrer referrer : referrers) {
            JsonObjectBuilder descriptor = JSON.createObjectBuilder()
                    .add("mediaType", referrer.mediaType())
                    .add("digest", referrer.digest())
                    .add("size", referrer.size());
            if (referrer.artifactType() != null) {
                descriptor.add("artifactType", referrer.artifactType());
            }
            if (referrer.annotationsJson() != null) {
                try (JsonReader reader = JSON.createReader(new StringReader(referrer.annotationsJson()))) {
                    descriptor.add("annotations", reader.readObject());
                }
            }
            descriptors.add(descriptor);
        }
        String body = JSON.createObjectBuilder()
                .add("schemaVersion", 2)
                .add("mediaType", MediaTypes.OCI_INDEX)
                .add("manifests", descriptors)
                .build().toString();
        Response.ResponseBuilder response = Response.ok(body, MediaTypes.OCI_INDEX);
        if (artifactType != null) {
            response.header("OCI-Filters-Applied", "artifactType");
        }
        return response.build();
    }
}
