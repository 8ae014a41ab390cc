package io.berth.distribution;

import io.berth.security.AccessDeniedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A refused action on {@code /v2}: 403 with the OCI {@code DENIED} body naming the action. */
@Provider
public class AccessDeniedMapper implements ExceptionMapper<AccessDeniedException> {

    @Override
    public Response toResponse(AccessDeniedException denied) {
        return OciError.DENIED.response(denied.getMessage(), denied.action());
    }
}
