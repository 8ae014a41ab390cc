package io.berth.distribution;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.registry.AcceptedTypes;
import io.berth.registry.Manifests;
import io.berth.registry.StoredManifest;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** {@code /v2/<name>/manifests/<reference>}: pull, push and delete manifests by tag or digest. */
@Path("v2/{name: .+}/manifests/{reference}")
public class ManifestResource {

    @Inject
    Manifests manifests;

    @Context
    HttpServletRequest request;

    @Guarded("ecr:BatchGetImage")
    @GET
    public Response get(@PathParam("name") String name, @PathParam("reference") String reference) {
        StoredManifest manifest = manifests.get(Callers.repository(request, name), reference, accepted(), true,
                Callers.actor(request));
        return headers(Response.ok(manifest.content()), manifest).build();
    }

    @Guarded("ecr:BatchGetImage")
    @HEAD
    public Response head(@PathParam("name") String name, @PathParam("reference") String reference) {
        StoredManifest manifest = manifests.get(Callers.repository(request, name), reference, accepted(), false,
                Callers.actor(request));
        return headers(Response.ok(), manifest).build();
    }

    /** Every Accept line the client sent (skopeo sends one per type). */
    private AcceptedTypes accepted() {
        return AcceptedTypes.parse(java.util.Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
    }

    private static Response.ResponseBuilder headers(Response.ResponseBuilder response, StoredManifest manifest) {
        return response
                .type(manifest.mediaType())
                .header(HttpHeaders.CONTENT_LENGTH, manifest.content().length)
                .header("Docker-Content-Digest", manifest.digest())
                .header(HttpHeaders.ETAG, "\"" + manifest.digest() + "\"");
    }

    @Guarded("ecr:PutImage")
    @PUT
    public Response put(@PathParam("name") String name, @PathParam("reference") String reference,
                        @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                        @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
                        @QueryParam("tag") List<String> tags, InputStream body) throws IOException {
        if (contentLength != null && contentLength > Manifests.MAX_MANIFEST_BYTES) {
            return OciError.SIZE_INVALID.response(413, "manifest exceeds " + Manifests.MAX_MANIFEST_BYTES
                    + " bytes", null);
        }
        byte[] content = body.readNBytes(Manifests.MAX_MANIFEST_BYTES + 1);
        StoredManifest stored = manifests.put(Callers.repository(request, name), reference, tags, contentType,
                content, Callers.actor(request));
        // As ECR's PutImage record: which image the push stored (a push by tag names no digest).
        AuditEntry.of(request).response(JSON.createObjectBuilder().add("image", JSON.createObjectBuilder()
                .add("imageId", JSON.createObjectBuilder().add("imageDigest", stored.digest()))
                .add("imageManifestMediaType", stored.mediaType())).build());
        Response.ResponseBuilder response = Response.status(Response.Status.CREATED)
                .header(HttpHeaders.LOCATION, "/v2/" + name + "/manifests/" + stored.digest())
                .header("Docker-Content-Digest", stored.digest())
                .header(HttpHeaders.CONTENT_LENGTH, 0);
        // One OCI-Tag header per tag applied from ?tag= (the spec's way of saying they were accepted).
        tags.stream().distinct().forEach(tag -> response.header("OCI-Tag", tag));
        if (stored.subjectDigest() != null) {
            response.header("OCI-Subject", stored.subjectDigest());
        }
        return response.build();
    }

    @Guarded("ecr:BatchDeleteImage")
    @DELETE
    public Response delete(@PathParam("name") String name, @PathParam("reference") String reference) {
        manifests.delete(Callers.repository(request, name), reference, Callers.actor(request));
        return Response.accepted().header(HttpHeaders.CONTENT_LENGTH, 0).build();
    }
}
