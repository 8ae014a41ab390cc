package io.berth.security;

import static io.berth.platform.Jsonp.JSON;

import io.berth.audit.AuditEntry;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The AWS API protocols served at {@code POST /}, told apart as AWS does, and how each one says that a request was
 * not authenticated; plus the registry's own challenge. Messages never carry secrets or expected signatures.
 */
enum ApiProtocol {
    /**
     * JSON 1.1 with {@code X-Amz-Target}: ECR's API, signed for service {@code ecr}, and CloudTrail's, signed for
     * {@code cloudtrail}.
     */
    AWS_JSON("ecr"),
    /** IAM: the Query protocol, a form-encoded POST with {@code Action=…}, signed for service {@code iam}. */
    IAM_QUERY("iam");

    private static final String THROTTLED = "too many failed sign-ins; retry later";

    private final String signingName;

    ApiProtocol(String signingName) {
        this.signingName = signingName;
    }

    static ApiProtocol of(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod()) || !"/".equals(request.getRequestURI())) {
            return null;
        }
        if (request.getHeader("X-Amz-Target") != null) {
            return AWS_JSON;
        }
        String type = request.getContentType();
        return type != null && type.toLowerCase().startsWith("application/x-www-form-urlencoded") ? IAM_QUERY : null;
    }

    /** Bodies up to this size are read for most operations: policies, image ids and lists are small. */
    static final int MAX_BODY = 1024 * 1024;
    /** A layer part of up to 20 MiB, base64-encoded in JSON. */
    static final int MAX_LAYER_PART_BODY = 28 * 1024 * 1024;
    /** A manifest of up to 4 MiB as a JSON string (escaping at most doubles it). */
    static final int MAX_PUT_IMAGE_BODY = 9 * 1024 * 1024;

    /** The service a request must be signed for. */
    String signingName(HttpServletRequest request) {
        return this == AWS_JSON && isCloudTrail(request) ? "cloudtrail" : signingName;
    }

    private static boolean isCloudTrail(HttpServletRequest request) {
        String target = request.getHeader("X-Amz-Target");
        return target != null && target.contains("CloudTrail_20131101.");
    }

    /** The largest body the request's operation can need: more is refused before it is read. */
    int maxBody(HttpServletRequest request) {
        String target = this == AWS_JSON ? request.getHeader("X-Amz-Target") : null;
        if (target != null && target.endsWith(".UploadLayerPart")) {
            return MAX_LAYER_PART_BODY;
        }
        if (target != null && target.endsWith(".PutImage")) {
            return MAX_PUT_IMAGE_BODY;
        }
        return MAX_BODY;
    }

    /** The service a request is for, as audit records name it. */
    String eventSource(HttpServletRequest request) {
        if (this == IAM_QUERY) {
            return AuditEntry.IAM;
        }
        return isCloudTrail(request) ? AuditEntry.CLOUDTRAIL : AuditEntry.ECR;
    }

    /**
     * The operation a request asks for, from what is known before its body is read: ECR's and CloudTrail's from
     * {@code X-Amz-Target}; IAM's from an {@code Action} in the query, else {@code SignIn}.
     */
    String eventName(HttpServletRequest request) {
        // Never request.getParameter: for a form post it would read the body.
        String named = this == AWS_JSON ? request.getHeader("X-Amz-Target") : null;
        if (this == IAM_QUERY && request.getQueryString() != null) {
            for (String pair : request.getQueryString().split("&")) {
                if (pair.startsWith("Action=")) {
                    named = pair.substring(7);
                }
            }
        }
        if (named == null || named.isBlank()) {
            return "SignIn";
        }
        String name = named.substring(named.lastIndexOf('.') + 1);
        return name.length() > 64 || !name.chars().allMatch(Character::isLetterOrDigit) ? "SignIn" : name;
    }

    String accessDeniedCode() {
        return this == AWS_JSON ? "AccessDeniedException" : "AccessDenied";
    }

    String throttlingCode() {
        return this == AWS_JSON ? "ThrottlingException" : "Throttling";
    }

    /** The protocol's name for a Signature V4 failure. */
    String signatureErrorCode(String sigV4Code) {
        if (this == IAM_QUERY) {
            return sigV4Code;
        }
        return switch (sigV4Code) {
            case "MissingAuthenticationToken" -> "MissingAuthenticationTokenException";
            case "IncompleteSignature" -> "IncompleteSignatureException";
            case "InvalidClientTokenId" -> "UnrecognizedClientException";
            default -> "InvalidSignatureException";
        };
    }

    AuthenticationStatus refuse(HttpServletRequest request, HttpServletResponse response, int status, String code,
                                String message)
            throws IOException {
        AuditEntry.of(request).error(code, message).status(status);
        return this == AWS_JSON
                ? send(response, status, "application/x-amz-json-1.1", json(code, message))
                : send(response, status, "text/xml", xmlError(code, message));
    }

    private static String json(String code, String message) {
        return JSON.createObjectBuilder().add("__type", code).add("message", message).build().toString();
    }

    private static String xmlError(String code, String message) {
        return "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
    }

    /** 401 with a Basic challenge, so that {@code docker login} and friends send credentials. */
    static AuthenticationStatus registryChallenge(HttpServletRequest request, HttpServletResponse response,
                                                  String message) throws IOException {
        AuditEntry.of(request).error("UNAUTHORIZED", message).status(401);
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + BerthAuthenticationMechanism.REALM + "\"");
        return send(response, 401, "application/json", ociError("UNAUTHORIZED", message));
    }

    /** 403 DENIED, for a request refused before its credentials are looked at. */
    static AuthenticationStatus registryDenied(HttpServletRequest request, HttpServletResponse response,
                                               String message) throws IOException {
        AuditEntry.of(request).error("DENIED", message).status(403);
        return send(response, 403, "application/json", ociError("DENIED", message));
    }

    /**
     * 429 with {@code Retry-After}. Payara's HTTP layer (Grizzly 4) has no reason phrase for 429 and writes
     * {@code CUSTOM}; Servlet 6 gives an application no way to set one (see the README).
     */
    static AuthenticationStatus registryThrottled(HttpServletRequest request, HttpServletResponse response,
                                                  long retryAfterSeconds) throws IOException {
        AuditEntry.of(request).error("TOOMANYREQUESTS", THROTTLED).status(429);
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        return send(response, 429, "application/json", ociError("TOOMANYREQUESTS", THROTTLED));
    }

    /** 429 in the protocol's own format, with {@code Retry-After}. */
    AuthenticationStatus throttled(HttpServletRequest request, HttpServletResponse response, long retryAfterSeconds)
            throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        return refuse(request, response, 429, throttlingCode(), THROTTLED);
    }

    private static String ociError(String code, String message) {
        return JSON.createObjectBuilder().add("errors", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                .add("code", code).add("message", message))).build().toString();
    }

    private static AuthenticationStatus send(HttpServletResponse response, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        // Written and closed: the response is complete, so that no container replaces the body with an error page
        // (Undertow sends one for a failed authentication whose response is not complete, even a committed one).
        try (var out = response.getOutputStream()) {
            out.write(bytes);
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
