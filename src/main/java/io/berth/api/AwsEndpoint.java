package io.berth.api;

import io.berth.audit.AuditEntry;
import io.berth.cloudtrail.CloudTrailApi;
import io.berth.ecr.EcrApi;
import io.berth.iam.IamApi;
import io.berth.security.Caller;
import io.berth.security.ClientOrigin;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /}: the AWS APIs, told apart as AWS clients send them: the ECR and CloudTrail APIs are JSON 1.1 with
 * {@code X-Amz-Target}; the IAM API is the Query protocol (form-encoded, XML answers). Both are signed with
 * Signature V4, which the authentication mechanism has verified before a request gets here.
 */
@Path("")
public class AwsEndpoint {

    @Inject
    EcrApi ecr;

    @Inject
    IamApi iam;

    @Inject
    CloudTrailApi cloudTrail;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes("application/x-amz-json-1.1")
    public Response ecr(@HeaderParam("X-Amz-Target") String target, String body) {
        if (target != null && target.contains(CloudTrailApi.TARGET_PREFIX) && caller() != null) {
            return cloudTrail.handle(AuditEntry.of(request), caller(), target, body,
                    (ClientOrigin) request.getAttribute(ClientOrigin.ATTRIBUTE));
        }
        return ecr.handle(AuditEntry.of(request), caller(), target, body, (ClientOrigin) request.getAttribute(ClientOrigin.ATTRIBUTE),
                proxyEndpoint());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response iam(MultivaluedMap<String, String> form) {
        return iam.handle(AuditEntry.of(request), caller(), form);
    }

    private Caller caller() {
        return (Caller) request.getAttribute(Caller.ATTRIBUTE);
    }

    /** The registry's address as this request reached it, for GetAuthorizationToken's proxyEndpoint. */
    private String proxyEndpoint() {
        String host = request.getHeader("Host");
        return request.getScheme() + "://" + (host != null ? host : request.getServerName() + ":"
                + request.getServerPort());
    }
}
