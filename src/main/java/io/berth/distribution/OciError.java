package io.berth.distribution;

import static io.berth.platform.Jsonp.JSON;

import io.berth.registry.Problem;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The distribution spec's error codes with their HTTP statuses, and the one function that turns a refusal into the
 * spec's JSON body: {@code {"errors":[{"code":…,"message":…,"detail":…}]}}.
 */
public enum OciError {
    BLOB_UNKNOWN(404),
    BLOB_UPLOAD_INVALID(400),
    BLOB_UPLOAD_UNKNOWN(404),
    DIGEST_INVALID(400),
    MANIFEST_BLOB_UNKNOWN(400),
    MANIFEST_INVALID(400),
    /** Distribution's code for a schema 1 manifest whose signatures fail (not in the OCI spec's list). */
    MANIFEST_UNVERIFIED(400),
    MANIFEST_UNKNOWN(404),
    NAME_INVALID(400),
    NAME_UNKNOWN(404),
    SIZE_INVALID(400),
    TAG_INVALID(400),
    PAGINATION_NUMBER_INVALID(400),
    RANGE_INVALID(416),
    UNAUTHORIZED(401),
    DENIED(403),
    UNSUPPORTED(405),
    TOOMANYREQUESTS(429),
    UNKNOWN(500);

    private final int status;

    OciError(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The code and status a domain refusal gets on /v2. */
    static Response of(Problem problem, String message, Object detail) {
        return switch (problem) {
            case BLOB_UNKNOWN -> BLOB_UNKNOWN.response(message, detail);
            case BLOB_IN_USE -> UNSUPPORTED.response(message, detail);
            case BLOB_UPLOAD_INVALID -> BLOB_UPLOAD_INVALID.response(message, detail);
            case UPLOAD_OUT_OF_ORDER -> BLOB_UPLOAD_INVALID.response(416, message, detail);
            case BLOB_UPLOAD_UNKNOWN -> BLOB_UPLOAD_UNKNOWN.response(message, detail);
            case DIGEST_INVALID -> DIGEST_INVALID.response(message, detail);
            case MANIFEST_BLOB_UNKNOWN -> MANIFEST_BLOB_UNKNOWN.response(message, detail);
            case MANIFEST_INVALID -> MANIFEST_INVALID.response(message, detail);
            case MANIFEST_UNVERIFIED -> MANIFEST_UNVERIFIED.response(message, detail);
            case MANIFEST_TOO_LARGE -> SIZE_INVALID.response(413, message, detail);
            case MANIFEST_UNKNOWN, TAG_DIGEST_MISMATCH -> MANIFEST_UNKNOWN.response(message, detail);
            case NAME_INVALID -> NAME_INVALID.response(message, detail);
            case NAME_UNKNOWN -> NAME_UNKNOWN.response(message, detail);
            case SIZE_INVALID -> SIZE_INVALID.response(message, detail);
            case TAG_INVALID, TAG_IMMUTABLE -> TAG_INVALID.response(message, detail);
            case RANGE_NOT_SATISFIABLE -> RANGE_INVALID.response(message, detail);
            case PAGINATION_NUMBER_INVALID -> PAGINATION_NUMBER_INVALID.response(message, detail);
            // The ECR API's own refusals; /v2 never meets them.
            case UNSUPPORTED, REPOSITORY_EXISTS, REPOSITORY_NOT_EMPTY, TOO_MANY_TAGS, IMAGE_ALREADY_EXISTS,
                 REPOSITORY_POLICY_NOT_FOUND, LIFECYCLE_POLICY_NOT_FOUND, REGISTRY_POLICY_NOT_FOUND ->
                    UNSUPPORTED.response(message, detail);
        };
    }

    Response response(String message, Object detail) {
        return response(status, message, detail);
    }

    Response response(int httpStatus, String message, Object detail) {
        JsonObjectBuilder error = JSON.createObjectBuilder().add("code", name()).add("message", message);
        if (detail != null) {
            error.add("detail", detail instanceof Number n ? JSON.createValue(n.longValue())
                    : JSON.createValue(detail.toString()));
        }
        String body = JSON.createObjectBuilder().add("errors", JSON.createArrayBuilder().add(error)).build()
                .toString();
        return Response.status(httpStatus).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
