package io.berth.security;

import io.berth.security.sigv4.SigV4Exception;
import io.berth.security.sigv4.SignedRequest;
import io.berth.security.policy.Policy;
import io.berth.security.policy.PolicyKind;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The application's one authentication mechanism, for every boundary: {@code /v2} takes HTTP Basic (a password or a
 * login token); the AWS APIs at {@code POST /} take Signature V4 (or Basic with a password, to bootstrap keys).
 * Failures are answered in each protocol's own
 * format. Nothing under {@code /v2} is served without a verified credential.
 */
@ApplicationScoped
public class BerthAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String REALM = "Berth";
    /** Signed API requests are read whole to check the payload hash; ECR layer parts stay far below this. */
    static final int MAX_SIGNED_BODY = 64 * 1024 * 1024;

    /** Reads of manifests, blobs and tag lists: what anonymous pulls may do when they are allowed. */
    private static final Pattern PULL = Pattern.compile("/v2/.+/(manifests/[^/]+|blobs/[^/]+|tags/list)");

    @Inject
    Authenticator authenticator;

    @Inject
    SecuritySettings settings;

    @Inject
    DownloadUrls downloadUrls;

    private Caller anonymous;

    @PostConstruct
    void anonymousCaller() {
        anonymous = new Caller(settings.bootstrapAccount(), 0, "anonymous", false, List.of(Policy.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AnonymousPull\",\"Effect\":\"Allow\","
                        + "\"Action\":[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\","
                        + "\"ecr:BatchCheckLayerAvailability\",\"ecr:ListImages\"],\"Resource\":\"arn:aws:ecr:*:"
                        + settings.bootstrapAccount() + ":repository/*\"}]}", PolicyKind.IDENTITY)), null);
    }

    private static boolean isPull(HttpServletRequest request) {
        String method = request.getMethod();
        return (method.equals("GET") || method.equals("HEAD")) && PULL.matcher(request.getRequestURI()).matches();
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) throws AuthenticationException {
        try {
            return validate(request, response, context);
        } catch (IOException e) {
            throw new AuthenticationException("cannot read or answer the request", e);
        }
    }

    private AuthenticationStatus validate(HttpServletRequest request, HttpServletResponse response,
                                          HttpMessageContext context) throws IOException {
        String path = request.getRequestURI();
        if (path.equals("/v2") || path.startsWith("/v2/") || path.startsWith("/berth/")) {
            // /berth/…: the registry's own administration, signed in as on /v2.
            return registry(request, response, context);
        }
        ApiProtocol protocol = ApiProtocol.of(request);
        if (protocol != null) {
            return api(protocol, request, response, context);
        }
        return context.doNothing();
    }

    private AuthenticationStatus registry(HttpServletRequest request, HttpServletResponse response,
                                          HttpMessageContext context) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null && "GET".equals(request.getMethod())
                && DownloadUrls.isSigned(request.getQueryString())) {
            Optional<User> user = downloadUrls.verify(request.getRequestURI(), request.getQueryString());
            if (user.isEmpty()) {
                return ApiProtocol.registryChallenge(response, "the download URL is invalid or has expired");
            }
            return login(authenticator.callerOf(user.get(), null), request, context);
        }
        if (authorization == null) {
            if (settings.anonymousPull() && isPull(request)) {
                return login(anonymous, request, context);
            }
            return ApiProtocol.registryChallenge(response, "authentication required");
        }
        Authenticator.Outcome outcome = authenticator.basic(authorization, request.getRemoteAddr());
        if (outcome instanceof Authenticator.Outcome.Authenticated authenticated) {
            return login(authenticated.caller(), request, context);
        }
        if (outcome instanceof Authenticator.Outcome.Throttled throttled) {
            return ApiProtocol.registryThrottled(response, throttled.retryAfterSeconds());
        }
        return ApiProtocol.registryChallenge(response, ((Authenticator.Outcome.Rejected) outcome).reason());
    }

    private AuthenticationStatus api(ApiProtocol protocol, HttpServletRequest request, HttpServletResponse response,
                                     HttpMessageContext context) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            // A user's password also works here, so that the first access key can be created without one.
            Authenticator.Outcome outcome = authenticator.basic(authorization, request.getRemoteAddr());
            if (outcome instanceof Authenticator.Outcome.Authenticated authenticated) {
                return login(authenticated.caller(), request, context);
            }
            return protocol.refuse(response, outcome instanceof Authenticator.Outcome.Throttled ? 429 : 403,
                    protocol.signatureErrorCode("InvalidClientTokenId"), "invalid user name or password");
        }
        boolean presigned = request.getQueryString() != null && request.getQueryString().contains("X-Amz-Signature=");
        if (!presigned && (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 "))) {
            // Refused before the body is read: unsigned requests cost no memory.
            return protocol.refuse(response, 403, protocol.signatureErrorCode("MissingAuthenticationToken"),
                    "Missing Authentication Token");
        }
        if ("UNSIGNED-PAYLOAD".equals(request.getHeader("X-Amz-Content-Sha256"))) {
            // Only S3 signs without the payload; here the body is the request, and must be covered.
            return protocol.refuse(response, 400, protocol.signatureErrorCode("IncompleteSignature"),
                    "the payload must be signed (UNSIGNED-PAYLOAD is not accepted)");
        }
        long length = request.getContentLengthLong();
        if (length > MAX_SIGNED_BODY) {
            return protocol.refuse(response, 413, "RequestEntityTooLarge", "request body too large");
        }
        byte[] body = request.getInputStream().readNBytes(MAX_SIGNED_BODY + 1);
        if (body.length > MAX_SIGNED_BODY) {
            return protocol.refuse(response, 413, "RequestEntityTooLarge", "request body too large");
        }
        SignedRequest signed = new SignedRequest(request.getMethod(), request.getRequestURI(),
                request.getQueryString(), headers(request), body);
        try {
            Caller caller = authenticator.signed(signed, Set.of(protocol.signingName()));
            // The body has been read: hand the rest of the chain a request that replays it.
            BufferedBodyRequest replaying = new BufferedBodyRequest(request, body);
            context.withRequest(replaying);
            return login(caller, replaying, context);
        } catch (SigV4Exception e) {
            String code = protocol.signatureErrorCode(e.code());
            // As AWS answers: a malformed or expired signature is a bad request, a wrong one is forbidden.
            int status = code.startsWith("IncompleteSignature") || code.equals("RequestExpired") ? 400 : 403;
            return protocol.refuse(response, status, code, e.getMessage());
        }
    }

    private static AuthenticationStatus login(Caller caller, HttpServletRequest request, HttpMessageContext context) {
        request.setAttribute(Caller.ATTRIBUTE, caller);
        return context.notifyContainerAboutLogin(caller,
                caller.administrator() ? Set.of("user", "administrator") : Set.of("user"));
    }

    private static Map<String, List<String>> headers(HttpServletRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(Collections.list(request.getHeaders(name)));
        }
        return headers;
    }
}
