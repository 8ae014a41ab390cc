package io.berth.distribution;

import io.berth.registry.BlobInfo;
import io.berth.registry.Blobs;
import io.berth.registry.Reference;
import io.berth.registry.RepositoryName;
import io.berth.storage.Digest;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URI;
import java.util.Optional;

/** {@code /v2/<name>/blobs/<digest>}: fetch (whole or a range), check and delete blobs. */
@Path("v2/{name: .+}/blobs/{digest}")
public class BlobResource {

    @Inject
    Blobs blobs;

    @Context
    HttpServletRequest request;

    @Guarded("ecr:BatchCheckLayerAvailability")
    @HEAD
    public Response head(@PathParam("name") String name, @PathParam("digest") String digest) {
        BlobInfo blob = blobs.stat(Callers.repository(request, name), Reference.parseDigest(digest));
        return headers(Response.ok(), blob).header(HttpHeaders.CONTENT_LENGTH, blob.size()).build();
    }

    @Guarded("ecr:GetDownloadUrlForLayer")
    @GET
    public Response get(@PathParam("name") String name, @PathParam("digest") String digest,
                        @HeaderParam("Range") String rangeHeader) {
        RepositoryName repository = Callers.repository(request, name);
        BlobInfo blob = blobs.stat(repository, Reference.parseDigest(digest));
        if (rangeHeader == null) {
            Optional<URI> direct = blobs.directDownload(repository, blob, Callers.actor(request));
            if (direct.isPresent()) {
                // The client fetches the bytes from the object store itself (BERTH_S3_REDIRECT).
                return Response.temporaryRedirect(direct.get())
                        .header("Docker-Content-Digest", blob.digest().toString())
                        .header(HttpHeaders.CONTENT_LENGTH, 0).build();
            }
            return headers(Response.ok(stream(repository, blob.digest(), 0, blob.size())), blob)
                    .header(HttpHeaders.CONTENT_LENGTH, blob.size()).build();
        }
        ByteRange range = ByteRange.ofRangeHeader(rangeHeader, blob.size());
        if (range == null) {
            return Response.fromResponse(OciError.RANGE_INVALID.response("requested range not satisfiable",
                            rangeHeader))
                    .header("Content-Range", "bytes */" + blob.size()).build();
        }
        return headers(Response.status(Response.Status.PARTIAL_CONTENT)
                .entity(stream(repository, blob.digest(), range.start(), range.length())), blob)
                .header("Content-Range", "bytes " + range.start() + "-" + range.end() + "/" + blob.size())
                .header(HttpHeaders.CONTENT_LENGTH, range.length())
                .build();
    }

    private static Response.ResponseBuilder headers(Response.ResponseBuilder response, BlobInfo blob) {
        return response.type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Docker-Content-Digest", blob.digest().toString())
                .header(HttpHeaders.ETAG, "\"" + blob.digest() + "\"")
                .header("Accept-Ranges", "bytes");
    }

    private StreamingOutput stream(RepositoryName repositoryName, Digest digest, long offset, long length) {
        String actor = Callers.actor(request);
        return out -> blobs.send(repositoryName, digest, offset, length, out, actor);
    }

    @Guarded("ecr:BatchDeleteImage")
    @DELETE
    public Response delete(@PathParam("name") String name, @PathParam("digest") String digest) {
        blobs.delete(Callers.repository(request, name), Reference.parseDigest(digest), Callers.actor(request));
        return Response.accepted().header(HttpHeaders.CONTENT_LENGTH, 0).build();
    }
}
