package io.berth.distribution;

import io.berth.security.AccessControl;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Before a {@code /v2} operation runs, asks access control whether the caller may perform the ECR action that
 * guards it ({@link Guarded}) on the repository in the path. A refusal becomes 403 {@code DENIED}.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class AuthorizationFilter implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Context
    HttpServletRequest request;

    @Inject
    AccessControl accessControl;

    @Override
    public void filter(ContainerRequestContext context) {
        Guarded guarded = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(Guarded.class);
        if (guarded == null) {
            return;
        }
        String name = context.getUriInfo().getPathParameters().getFirst("name");
        accessControl.require(Callers.of(request), guarded.value(), Callers.repository(request, name),
                Callers.origin(request));
    }
}
