package io.berth.distribution;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything that is not a domain refusal: JAX-RS's own errors (no such route, method not allowed) keep their status
 * with an OCI body; anything else is logged here and answered without a stack trace.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());

    @Override
    public Response toResponse(Throwable e) {
        if (e instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return switch (status) {
                case 404 -> OciError.UNSUPPORTED.response(404, "no such endpoint", null);
                case 405 -> OciError.UNSUPPORTED.response(405, "method not allowed on this endpoint", null);
                case 415 -> OciError.UNSUPPORTED.response(415, "unsupported media type", null);
                default -> status < 500
                        ? OciError.UNSUPPORTED.response(status, "request not supported", null)
                        : internal(e);
            };
        }
        return internal(e);
    }

    private static Response internal(Throwable e) {
        LOG.log(Level.SEVERE, "request failed", e);
        return OciError.UNKNOWN.response("internal error; see the server log", null);
    }
}
