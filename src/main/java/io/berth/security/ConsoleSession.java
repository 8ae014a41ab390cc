package io.berth.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * Who signed in to the web console, kept in the HTTP session: the user's id (its policies are read again on every
 * request, so that a change applies at once) and the session's token against cross-site request forgery, which every
 * form of the console carries back.
 */
public record ConsoleSession(String accountId, long userId, String userName, String csrfToken)
        implements Serializable {

    public static final String SIGN_IN = "/console/sign-in";
    /** The console's style sheet and script: served to anybody, the sign-in page needs them. */
    public static final String ASSETS = "/console/assets/";
    /** The request attribute that says why a sign-in failed, for the form to show. */
    public static final String FAILURE = ConsoleSession.class.getName() + ".failure";
    /** The name of the form field that carries the token. */
    public static final String CSRF_FIELD = "csrf";
    /** The session cookie's name, sent only to {@code /console}. */
    public static final String COOKIE = "BERTH_CONSOLE";
    private static final String ATTRIBUTE = ConsoleSession.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    static ConsoleSession start(HttpServletRequest request, HttpServletResponse response, Caller caller,
                                int idleSeconds, boolean secure) {
        HttpSession session = request.getSession(true);
        // A new session id at sign-in: an id planted before it (session fixation) signs in nobody.
        String id = request.changeSessionId();
        // The cookie written whole, replacing the container's: Payara drops the SameSite attribute of
        // SessionCookieConfig (and of Cookie), and the cookie must not go with requests other sites' pages start.
        response.setHeader("Set-Cookie", COOKIE + "=" + id + "; Path=/console; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""));
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        ConsoleSession signedIn = new ConsoleSession(caller.accountId(), caller.userId(), caller.userName(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(token));
        session.setAttribute(ATTRIBUTE, signedIn);
        session.setMaxInactiveInterval(idleSeconds);
        return signedIn;
    }

    /** The request's console session, if it has one. */
    public static Optional<ConsoleSession> of(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(ATTRIBUTE) instanceof ConsoleSession signedIn
                ? Optional.of(signedIn) : Optional.empty();
    }

    /** Ends the request's console session, if any. */
    public static void end(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }

    /** Whether a form's token is this session's, compared in constant time. */
    public boolean tokenMatches(String token) {
        return token != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
