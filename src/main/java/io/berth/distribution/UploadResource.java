package io.berth.distribution;

import io.berth.registry.BlobInfo;
import io.berth.registry.Blobs;
import io.berth.registry.Problem;
import io.berth.registry.Reference;
import io.berth.registry.RegistryException;
import io.berth.registry.RepositoryName;
import io.berth.registry.UploadState;
import io.berth.security.AccessControl;
import io.berth.registry.Uploads;
import io.berth.storage.Digest;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/** {@code /v2/<name>/blobs/uploads/}: monolithic, chunked and streamed uploads, and cross-repository mounts. */
@Path("v2/{name: .+}/blobs/uploads")
public class UploadResource {

    /** How many repositories holding a blob a mount without {@code from} considers, so that it costs O(1). */
    private static final int MOUNT_CANDIDATES = 20;

    @Inject
    Uploads uploads;

    @Inject
    Blobs blobs;

    @Inject
    AccessControl accessControl;

    @Context
    HttpServletRequest request;

    @Guarded("ecr:InitiateLayerUpload")
    @POST
    public Response start(@PathParam("name") String name, @QueryParam("digest") String digest,
                          @QueryParam("mount") String mount, @QueryParam("from") String from, InputStream body) {
        String actor = Callers.actor(request);
        RepositoryName repository = Callers.repository(request, name);
        if (mount != null) {
            Digest mounted = Reference.parseDigest(mount);
            // Mounting reads the source: without that right it is not mountable, and the client uploads instead.
            if (from != null ? mount(repository, mounted, Callers.repository(request, from), actor)
                    : mountFromAnywhere(repository, mounted, actor)) {
                return created(name, mounted);
            }
        } else if (digest != null) {
            // A monolithic upload also completes the blob.
            accessControl.require(Callers.of(request), "ecr:CompleteLayerUpload", repository, Callers.origin(request));
            BlobInfo blob = uploads.uploadWhole(repository, Reference.parseDigest(digest), body, actor);
            return created(name, blob.digest());
        }
        return progress(Response.accepted(), name, uploads.start(repository, actor));
    }

    @Guarded("ecr:UploadLayerPart")
    @GET
    @Path("{uuid}")
    public Response status(@PathParam("name") String name, @PathParam("uuid") String uuid) {
        return progress(Response.noContent(), name, uploads.status(Callers.repository(request, name), uuid));
    }

    @Guarded("ecr:UploadLayerPart")
    @PATCH
    @Path("{uuid}")
    public Response patch(@PathParam("name") String name, @PathParam("uuid") String uuid,
                          @HeaderParam("Content-Range") String contentRange,
                          @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength, InputStream body) {
        Long start = chunkStart(contentRange, contentLength);
        return progress(Response.accepted(), name,
                uploads.append(Callers.repository(request, name), uuid, start, body));
    }

    @Guarded("ecr:CompleteLayerUpload")
    @PUT
    @Path("{uuid}")
    public Response complete(@PathParam("name") String name, @PathParam("uuid") String uuid,
                             @QueryParam("digest") String digest,
                             @HeaderParam("Content-Range") String contentRange,
                             @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength, InputStream body) {
        if (digest == null) {
            throw new RegistryException(Problem.DIGEST_INVALID, "the digest query parameter is required");
        }
        Digest expected = Reference.parseDigest(digest);
        Long start = chunkStart(contentRange, contentLength);
        BlobInfo blob = uploads.complete(Callers.repository(request, name), uuid, expected, start, body,
                Callers.actor(request));
        return created(name, blob.digest());
    }

    @Guarded("ecr:UploadLayerPart")
    @DELETE
    @Path("{uuid}")
    public Response cancel(@PathParam("name") String name, @PathParam("uuid") String uuid) {
        uploads.cancel(Callers.repository(request, name), uuid);
        return Response.noContent().build();
    }

    private boolean mount(RepositoryName repository, Digest digest, RepositoryName from, String actor) {
        return mayRead(from) && blobs.mount(repository, digest, from, actor);
    }

    /**
     * The spec's automatic content discovery for a mount without {@code from}: the first repository of the caller's
     * account that holds the blob and that the caller may read.
     */
    private boolean mountFromAnywhere(RepositoryName repository, Digest digest, String actor) {
        for (RepositoryName source : blobs.linkedIn(Callers.of(request).accountId(), digest, MOUNT_CANDIDATES)) {
            if (mount(repository, digest, source, actor)) {
                return true;
            }
        }
        return false;
    }

    private boolean mayRead(RepositoryName repository) {
        return accessControl.allowed(Callers.of(request), "ecr:GetDownloadUrlForLayer", repository,
                Callers.origin(request));
    }

    /** Where a chunk says it starts, checked against its length; null when the client sent no Content-Range. */
    private static Long chunkStart(String contentRange, Long contentLength) {
        if (contentRange == null) {
            return null;
        }
        ByteRange range = ByteRange.ofContentRange(contentRange);
        if (range == null) {
            throw new RegistryException(Problem.BLOB_UPLOAD_INVALID, "malformed Content-Range", contentRange);
        }
        if (contentLength != null && contentLength != range.length()) {
            throw new RegistryException(Problem.BLOB_UPLOAD_INVALID,
                    "Content-Range does not match Content-Length", contentRange);
        }
        return range.start();
    }

    private static Response created(String name, Digest digest) {
        return Response.status(Response.Status.CREATED)
                .header(HttpHeaders.LOCATION, "/v2/" + name + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString())
                .header(HttpHeaders.CONTENT_LENGTH, 0)
                .build();
    }

    /** The upload's state; its Location uses the repository name as the client gave it. */
    private static Response progress(Response.ResponseBuilder response, String name, UploadState upload) {
        return response
                .header(HttpHeaders.LOCATION, "/v2/" + name + "/blobs/uploads/" + upload.id())
                .header("Range", range(upload.size()))
                .header("Docker-Upload-UUID", upload.id())
                .header(HttpHeaders.CONTENT_LENGTH, 0)
                .build();
    }

    /** The Range header of an upload holding {@code size} bytes: {@code 0-<last byte>}. */
    static String range(long size) {
        return "0-" + Math.max(0, size - 1);
    }
}
