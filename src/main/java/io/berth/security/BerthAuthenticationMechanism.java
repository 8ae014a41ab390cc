package io.berth.security;

import io.berth.audit.AuditEntry;
import io.berth.audit.AuditTrail;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application's one authentication mechanism, for every boundary: {@code /v2} takes HTTP Basic (a password or a
 * login token); the AWS APIs at {@code POST /} take Signature V4 (or Basic with a password, only to create the user's
 * own first access key); the web console ({@code /console}) a sign-in form and a session. Failures are answered in
 * each protocol's own format. Nothing under {@code /v2} is served
 * without a verified credential, and no state changes with Basic credentials on a request a web page of another site
 * made (see {@link CrossSite}).
 */
@ApplicationScoped
public class BerthAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String REALM = "Berth";
    /** A password-signed CreateAccessKey is a few parameters. */
    private static final int MAX_PASSWORD_BODY = 64 * 1024;
    private static final String PASSWORD_REFUSAL = "A password signs in to the registry (/v2) and creates its own"
            + " user's access key (IAM CreateAccessKey); every other AWS API request must be signed with an access key"
            + " (Signature V4).";

    /** Reads of manifests, blobs and tag lists: what anonymous pulls may do when they are allowed. */
    /** The access key in a SigV4 {@code Authorization} header or presigned query ({@code X-Amz-Credential}). */
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([A-Za-z0-9]+)(/|%2F)");
    private static final Pattern PULL = Pattern.compile("/v2/.+/(manifests/[^/]+|blobs/[^/]+|tags/list)");

    @Inject
    Authenticator authenticator;

    @Inject
    AuditTrail auditTrail;

    @Inject
    SecuritySettings settings;

    @Inject
    DownloadUrls downloadUrls;

    @Inject
    TrustedProxies trustedProxies;

    @Inject
    TransportSecurity transportSecurity;

    @Inject
    SignedBodies bodies;

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
            AuthenticationStatus status = validate(request, response, context);
            if (status == AuthenticationStatus.SEND_FAILURE) {
                // Recorded here: the request ends without reaching the application.
                auditTrail.finish(AuditEntry.of(request));
                readTheRestOfASmallBody(request);
            }
            return status;
        } catch (IOException e) {
            throw new AuthenticationException("cannot read or answer the request", e);
        }
    }

    /** What a refused request may still send and be read whole: a sign-in form or an API call, not an upload. */
    private static final long SMALL_BODY = 64 * 1024;

    /**
     * Reads the rest of a refused request's body when it is small (none, for most). Undertow (WildFly) sends its own
     * error page after a failed authentication unless the whole exchange is complete, the request too, and fails
     * doing so once the refusal is written. A large body is left unread: the client is told before it sends it all.
     */
    private static void readTheRestOfASmallBody(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        boolean chunked = request.getHeader("Transfer-Encoding") != null;
        if (length <= SMALL_BODY && (length >= 0 || !chunked)) {
            request.getInputStream().skip(SMALL_BODY);
        }
    }

    private AuthenticationStatus validate(HttpServletRequest request, HttpServletResponse response,
                                          HttpMessageContext context) throws IOException {
        ClientOrigin origin = trustedProxies.origin(request);
        request.setAttribute(ClientOrigin.ATTRIBUTE, origin);
        if (transportSecurity.redirected(request, response, origin)) {
            // Before any credential is asked for or read: the client tries again over HTTPS.
            return AuthenticationStatus.SEND_CONTINUE;
        }
        AuditEntry audit = AuditEntry.of(request).origin(origin.address(), request.getHeader("User-Agent"));
        String path = request.getRequestURI();
        if (path.equals("/v2") || path.startsWith("/v2/") || path.startsWith("/berth/")) {
            // /berth/…: the registry's own administration, signed in as on /v2.
            AuthenticationStatus status = registry(request, response, context, origin);
            if (status == AuthenticationStatus.SEND_FAILURE && presentsCredentials(request)) {
                // A failed sign-in is an audited call; a challenge to a client that sent nothing is the
                // protocol's handshake and is not.
                audit.call(AuditEntry.ECR, "SignIn");
                claim(audit, request);
            }
            return status;
        }
        if (path.equals("/console") || path.startsWith("/console/")) {
            return console(request, response, context, origin, audit);
        }
        ApiProtocol protocol = ApiProtocol.of(request);
        if (protocol != null) {
            AuthenticationStatus status = api(protocol, request, response, context, origin);
            if (status == AuthenticationStatus.SEND_FAILURE) {
                audit.call(protocol.eventSource(request), protocol.eventName(request));
                claim(audit, request);
            }
            return status;
        }
        return context.doNothing();
    }

    /**
     * The web console: the sign-in form posts a user name and password, checked as Basic credentials are; the session
     * then says who signed in. A console request without a session is sent to the form; a state-changing one from
     * another site's page is refused before anything else.
     */
    private AuthenticationStatus console(HttpServletRequest request, HttpServletResponse response,
                                         HttpMessageContext context, ClientOrigin origin, AuditEntry audit)
            throws IOException {
        boolean post = "POST".equals(request.getMethod());
        if (post && !CrossSite.isSameOriginForm(request, origin)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/plain;charset=UTF-8");
            // Closed, as ApiProtocol's refusals are: complete, and so never replaced by an error page.
            try (var out = response.getWriter()) {
                out.write(CrossSite.REFUSAL + "\n");
            }
            return AuthenticationStatus.SEND_FAILURE;
        }
        if (post && request.getRequestURI().equals(ConsoleSession.SIGN_IN)) {
            String name = request.getParameter("username");
            Authenticator.Outcome outcome = authenticator.password(name, request.getParameter("password"),
                    origin.address());
            audit.call(AuditEntry.SIGNIN, "ConsoleLogin");
            if (outcome instanceof Authenticator.Outcome.Authenticated authenticated) {
                ConsoleSession.start(request, response, authenticated.caller(),
                        (int) settings.consoleIdleTimeout().toSeconds(), origin.secure());
                return login(authenticated.caller(), request, context);
            }
            String failure = outcome instanceof Authenticator.Outcome.Throttled throttled
                    ? "Too many failed sign-ins: try again in " + throttled.retryAfterSeconds() + " s."
                    : "Invalid user name or password.";
            // CloudTrail's wording for a refused console sign-in.
            audit.attemptedIdentity(name, claimedAccount(name)).error("AccessDenied", "Failed authentication");
            request.setAttribute(ConsoleSession.FAILURE, failure);
            return context.doNothing();
        }
        Optional<Caller> caller = ConsoleSession.of(request).flatMap(signedIn -> authenticator.callerOf(
                signedIn.userId()));
        if (caller.isPresent()) {
            return login(caller.get(), request, context);
        }
        if (request.getRequestURI().equals(ConsoleSession.SIGN_IN)
                || request.getRequestURI().startsWith(ConsoleSession.ASSETS)) {
            return context.doNothing();
        }
        // Signed out, expired, or the user is gone or disabled: back to the form.
        ConsoleSession.end(request);
        return context.redirect(ConsoleSession.SIGN_IN);
    }

    private static boolean presentsCredentials(HttpServletRequest request) {
        return request.getHeader("Authorization") != null || DownloadUrls.isSigned(request.getQueryString());
    }

    /**
     * Notes who a refused request said it was: the user name of Basic credentials (its account from an {@code
     * <account>/} prefix, else the bootstrap account's), or the access key it was signed with (the bootstrap
     * account's records show those: a key that does not verify tells no account).
     */
    private void claim(AuditEntry audit, HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        String claimed;
        if (authorization != null && authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            claimed = Authenticator.decodeBasic(authorization).map(Authenticator.Credentials::name).orElse(null);
        } else {
            String source = authorization != null ? authorization : request.getQueryString();
            Matcher credential = source == null ? null : CREDENTIAL.matcher(source);
            claimed = credential != null && credential.find() ? credential.group(1) : null;
        }
        audit.attemptedIdentity(claimed, claimedAccount(claimed));
    }

    /** The account a claimed user name belongs to: the one it names first, else the bootstrap account. */
    private String claimedAccount(String claimed) {
        return claimed != null && claimed.matches("\\d{12}/.+") ? claimed.substring(0, 12)
                : settings.bootstrapAccount();
    }

    private AuthenticationStatus registry(HttpServletRequest request, HttpServletResponse response,
                                          HttpMessageContext context, ClientOrigin origin) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null && "GET".equals(request.getMethod())
                && DownloadUrls.isSigned(request.getQueryString())) {
            Optional<User> user = downloadUrls.verify(request.getRequestURI(), request.getQueryString());
            if (user.isEmpty()) {
                return ApiProtocol.registryChallenge(request, response, "the download URL is invalid or has expired");
            }
            return login(authenticator.callerOf(user.get(), null), request, context);
        }
        if (authorization == null) {
            if (settings.anonymousPull() && isPull(request)) {
                return login(anonymous, request, context);
            }
            return ApiProtocol.registryChallenge(request, response, "authentication required");
        }
        if (CrossSite.isCrossSiteChange(request, origin)) {
            return ApiProtocol.registryDenied(request, response, CrossSite.REFUSAL);
        }
        Authenticator.Outcome outcome = authenticator.basic(authorization, origin.address());
        if (outcome instanceof Authenticator.Outcome.Authenticated authenticated) {
            return login(authenticated.caller(), request, context);
        }
        if (outcome instanceof Authenticator.Outcome.Throttled throttled) {
            return ApiProtocol.registryThrottled(request, response, throttled.retryAfterSeconds());
        }
        return ApiProtocol.registryChallenge(request, response, ((Authenticator.Outcome.Rejected) outcome).reason());
    }

    private AuthenticationStatus api(ApiProtocol protocol, HttpServletRequest request, HttpServletResponse response,
                                     HttpMessageContext context, ClientOrigin origin) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return apiWithPassword(protocol, request, response, context, origin, authorization);
        }
        boolean presigned = request.getQueryString() != null && request.getQueryString().contains("X-Amz-Signature=");
        if (!presigned && (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 "))) {
            // Refused before the body is read: unsigned requests cost no memory.
            return protocol.refuse(request, response, 403, protocol.signatureErrorCode("MissingAuthenticationToken"),
                    "Missing Authentication Token");
        }
        try {
            // The signature's form, time, scope and key are checked before a byte of the body is read: a forged
            // or stale signature makes the server hold nothing.
            Authenticator.PendingSignature pending = authenticator.startSigned(new SignedRequest(request.getMethod(),
                    request.getRequestURI(), request.getQueryString(), headers(request), new byte[0]),
                    Set.of(protocol.signingName(request)));
            int limit = protocol.maxBody(request);
            long length = request.getContentLengthLong();
            if (length > limit) {
                return protocol.refuse(request, response, 413, "RequestEntityTooLarge", "request body too large for the"
                        + " operation: at most " + limit + " bytes");
            }
            long reserved = length >= 0 ? length : limit;
            if (!bodies.reserve(reserved)) {
                response.setHeader("Retry-After", "1");
                return protocol.refuse(request, response, 503, protocol.throttlingCode(),
                        "too many request bodies in memory; retry");
            }
            request.setAttribute(SignedBodies.RESERVED, reserved);
            SignedBodies.Body body = SignedBodies.read(request.getInputStream(), length, limit);
            if (body == null) {
                return protocol.refuse(request, response, 413, "RequestEntityTooLarge", "request body too large for the"
                        + " operation: at most " + limit + " bytes");
            }
            Caller caller = authenticator.finishSigned(pending, body.sha256Hex(), body.bytes().length);
            // The body has been read: hand the rest of the chain a request that replays it.
            BufferedBodyRequest replaying = new BufferedBodyRequest(request, body.bytes());
            context.withRequest(replaying);
            return login(caller, replaying, context);
        } catch (SigV4Exception e) {
            String code = protocol.signatureErrorCode(e.code());
            // As AWS answers: a malformed or expired signature is a bad request, a wrong one is forbidden.
            int status = code.startsWith("IncompleteSignature") || code.equals("RequestExpired") ? 400 : 403;
            return protocol.refuse(request, response, status, code, e.getMessage());
        }
    }

    /**
     * HTTP Basic on the AWS APIs does one thing: with a user's password, create that user's own access key, so that
     * the first key needs no key. A login token is a registry login (what {@code docker login} keeps in its config
     * and CI logs show) and never works here.
     */
    private AuthenticationStatus apiWithPassword(ApiProtocol protocol, HttpServletRequest request,
                                                 HttpServletResponse response, HttpMessageContext context,
                                                 ClientOrigin origin, String authorization) throws IOException {
        Optional<Authenticator.Credentials> credentials = Authenticator.decodeBasic(authorization);
        if (credentials.isPresent() && LoginTokens.TOKEN_USER.equals(credentials.get().name())) {
            return protocol.refuse(request, response, 403, protocol.accessDeniedCode(), "A login token signs in to the"
                    + " registry (/v2) only; the AWS APIs take requests signed with an access key (Signature V4).");
        }
        if (CrossSite.isCrossSiteChange(request, origin)) {
            return protocol.refuse(request, response, 403, protocol.accessDeniedCode(), CrossSite.REFUSAL);
        }
        long length = request.getContentLengthLong();
        byte[] body = length > MAX_PASSWORD_BODY ? null : request.getInputStream().readNBytes(MAX_PASSWORD_BODY + 1);
        Map<String, String> form = body == null || body.length > MAX_PASSWORD_BODY || protocol != ApiProtocol.IAM_QUERY
                ? Map.of() : form(body);
        String userName = form.get("UserName");
        if (!"CreateAccessKey".equals(form.get("Action"))) {
            return protocol.refuse(request, response, 403, protocol.accessDeniedCode(), PASSWORD_REFUSAL);
        }
        Authenticator.Outcome outcome = authenticator.basic(authorization, origin.address());
        if (outcome instanceof Authenticator.Outcome.Authenticated authenticated) {
            if (userName != null && !userName.equals(authenticated.caller().userName())) {
                return protocol.refuse(request, response, 403, protocol.accessDeniedCode(), PASSWORD_REFUSAL);
            }
            BufferedBodyRequest replaying = new BufferedBodyRequest(request, body);
            context.withRequest(replaying);
            return login(authenticated.caller(), replaying, context);
        }
        if (outcome instanceof Authenticator.Outcome.Throttled throttled) {
            return protocol.throttled(request, response, throttled.retryAfterSeconds());
        }
        return protocol.refuse(request, response, 403, protocol.signatureErrorCode("InvalidClientTokenId"),
                "invalid user name or password");
    }

    /** A form-encoded body's parameters (the first value of each). */
    private static Map<String, String> form(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException malformed) {
                // not a parameter at all: ignore it, as the API itself will
            }
        }
        return form;
    }

    private static AuthenticationStatus login(Caller caller, HttpServletRequest request, HttpMessageContext context) {
        request.setAttribute(Caller.ATTRIBUTE, caller);
        AuditEntry.of(request).identity(caller.accountId(), caller.userName(), caller.userId(), caller.accessKeyId());
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
