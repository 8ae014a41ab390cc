package io.berth.distribution;

import io.berth.registry.RegistryException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

@Provider
public class RegistryExceptionMapper implements ExceptionMapper<RegistryException> {

    @Override
    public Response toResponse(RegistryException e) {
        Response response = OciError.of(e.problem(), e.getMessage(), e.detail());
        if (e.problem() == io.berth.registry.Problem.UPLOAD_OUT_OF_ORDER && e.detail() instanceof Long size) {
            // Tell the client where the upload really ends, so that it can resume.
            return Response.fromResponse(response).header("Range", UploadResource.range(size)).build();
        }
        return response;
    }
}
