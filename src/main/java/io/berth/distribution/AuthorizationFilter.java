package io.berth.distribution;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import io.berth.registry.RepositoryName;
import io.berth.security.AccessControl;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MultivaluedMap;
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
        MultivaluedMap<String, String> path = context.getUriInfo().getPathParameters();
        RepositoryName repository = Callers.repository(request, path.getFirst("name"));
        // The audit trail names the call after the ECR action that guards it, as ECR's CloudTrail records do.
        AuditEntry.of(request).call(AuditEntry.ECR, guarded.value().substring("ecr:".length()))
                .repository(repository).parameters(parameters(repository, path));
        accessControl.require(Callers.of(request), guarded.value(), repository, Callers.origin(request));
    }

    /** A {@code /v2} call's parameters in ECR's names. */
    private static JsonObject parameters(RepositoryName repository, MultivaluedMap<String, String> path) {
        JsonObjectBuilder parameters = JSON.createObjectBuilder()
                .add("registryId", repository.accountId())
                .add("repositoryName", repository.name());
        String reference = path.getFirst("reference");
        if (reference != null) {
            parameters.add(reference.contains(":") ? "imageDigest" : "imageTag", reference);
        }
        String digest = path.getFirst("digest");
        if (digest != null) {
            parameters.add("layerDigest", digest);
        }
        String upload = path.getFirst("uuid");
        if (upload != null) {
            parameters.add("uploadId", upload);
        }
        return parameters.build();
    }
}
