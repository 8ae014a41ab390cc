package io.berth.security;

import jakarta.json.Json;
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
    /** ECR: JSON 1.1 with {@code X-Amz-Target}, signed for service {@code ecr}. */
    ECR_JSON("ecr"),
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
            return ECR_JSON;
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

    String signingName() {
        return signingName;
    }

    /** The largest body the request's operation can need: more is refused before it is read. */
    int maxBody(HttpServletRequest request) {
        String target = this == ECR_JSON ? request.getHeader("X-Amz-Target") : null;
        if (target != null && target.endsWith(".UploadLayerPart")) {
            return MAX_LAYER_PART_BODY;
        }
        if (target != null && target.endsWith(".PutImage")) {
            return MAX_PUT_IMAGE_BODY;
        }
        return MAX_BODY;
    }

    String accessDeniedCode() {
        return this == ECR_JSON ? "AccessDeniedException" : "AccessDenied";
    }

    String throttlingCode() {
        return this == ECR_JSON ? "ThrottlingException" : "Throttling";
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

    AuthenticationStatus refuse(HttpServletResponse response, int status, String code, String message)
            throws IOException {
        return this == ECR_JSON
                ? send(response, status, "application/x-amz-json-1.1", json(code, message))
                : send(response, status, "text/xml", xmlError(code, message));
    }

    private static String json(String code, String message) {
        return Json.createObjectBuilder().add("__type", code).add("message", message).build().toString();
    }

    private static String xmlError(String code, String message) {
        return "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + xml(message) + "</Message></Error><RequestId>" + UUID.randomUUID()
                + "</RequestId></ErrorResponse>";
    }

    /** 401 with a Basic challenge, so that {@code docker login} and friends send credentials. */
    static AuthenticationStatus registryChallenge(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + BerthAuthenticationMechanism.REALM + "\"");
        return send(response, 401, "application/json", ociError("UNAUTHORIZED", message));
    }

    /** 403 DENIED, for a request refused before its credentials are looked at. */
    static AuthenticationStatus registryDenied(HttpServletResponse response, String message) throws IOException {
        return send(response, 403, "application/json", ociError("DENIED", message));
    }

    /**
     * 429 with {@code Retry-After}. Payara's HTTP layer (Grizzly 4) has no reason phrase for 429 and writes
     * {@code CUSTOM}; Servlet 6 gives an application no way to set one (see the README).
     */
    static AuthenticationStatus registryThrottled(HttpServletResponse response, long retryAfterSeconds)
            throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        return send(response, 429, "application/json", ociError("TOOMANYREQUESTS", THROTTLED));
    }

    /** 429 in the protocol's own format, with {@code Retry-After}. */
    AuthenticationStatus throttled(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        return refuse(response, 429, throttlingCode(), THROTTLED);
    }

    private static String ociError(String code, String message) {
        return Json.createObjectBuilder().add("errors", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("code", code).add("message", message))).build().toString();
    }

    private static AuthenticationStatus send(HttpServletResponse response, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        // Committed now, so that the container cannot replace the body with an error page.
        response.flushBuffer();
        return AuthenticationStatus.SEND_FAILURE;
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
