package io.berth.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.platform.CacheScopes;
import io.berth.security.sigv4.SigV4Exception;
import io.berth.security.sigv4.SigV4Verifier;
import io.berth.security.sigv4.SignedRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies credentials: HTTP Basic with a user's password (through Jakarta Security's identity store) or a login
 * token, and AWS Signature V4 with an access key.
 * Verified Basic credentials are cached briefly, keyed by a SHA-256 of the header (never the clear text), because
 * clients send them on every request and password verification is slow on purpose.
 */
@ApplicationScoped
public class Authenticator {

    private static final int MAX_CACHED = 10_000;
    /** Password hashes one user may have running at once; more attempts are answered 429 at once. */
    static final int MAX_VERIFICATIONS_PER_USER = 4;

    @Inject
    Identities identities;

    @Inject
    LoginTokens tokens;

    /** Jakarta Security's handler, which asks the {@link DatabaseIdentityStore}. */
    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    FailureThrottle throttle;

    @Inject
    SecuritySettings settings;

    /** Bounded, least recently used out first; entries are checked against their own validity below. */
    private final Cache<String, Cached> verified = Caffeine.newBuilder().maximumSize(MAX_CACHED).build();
    private final ConcurrentMap<String, CompletableFuture<Outcome>> verifying = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Integer> inFlight = new ConcurrentHashMap<>();
    private SigV4Verifier sigV4;

    /** A verified credential: valid until {@code validUntil}, verified again from {@code refreshFrom} on. */
    private record Cached(Caller caller, long validUntil, long refreshFrom) {
    }

    /** What became of a credential. */
    public sealed interface Outcome {
        record Authenticated(Caller caller) implements Outcome {
        }

        record Rejected(String reason) implements Outcome {
        }

        record Throttled(long retryAfterSeconds) implements Outcome {
        }
    }

    @PostConstruct
    void init() {
        sigV4 = new SigV4Verifier(settings.region(), Clock.systemUTC());
    }

    void forgetVerified(@Observes Identities.IdentitiesChanged change) {
        verified.invalidateAll();
    }

    /** Identities changed on another instance. */
    void forgetVerified(@Observes CacheScopes.Changed change) {
        if (change.scope().equals(CacheScopes.IDENTITIES)) {
            verified.invalidateAll();
        }
    }

    /** Checks an {@code Authorization: Basic …} header from {@code clientAddress}. */
    public Outcome basic(String authorization, String clientAddress) {
        Optional<Credentials> decoded = decodeBasic(authorization);
        if (decoded.isEmpty()) {
            return new Outcome.Rejected("malformed Basic credentials");
        }
        return credentials(decoded.get(), clientAddress);
    }

    /**
     * Checks a user name and password typed into the console's sign-in form, exactly as Basic credentials are checked
     * (the same throttling); a login token is not a console password.
     */
    public Outcome password(String name, String password, String clientAddress) {
        if (name == null || name.isEmpty() || password == null || LoginTokens.TOKEN_USER.equals(name)) {
            return new Outcome.Rejected("invalid user name or password");
        }
        return credentials(new Credentials(name, password), clientAddress);
    }

    private Outcome credentials(Credentials credentials, String clientAddress) {
        // Keyed on what the header means, not how it is written: "basic", extra spaces and the like do not make a
        // credential new (and cost another slow password hash).
        String cacheKey = credentials.cacheKey();
        long now = System.currentTimeMillis();
        Cached cached = verified.getIfPresent(cacheKey);
        boolean valid = cached != null && cached.validUntil() > now;
        if (valid && (now < cached.refreshFrom() || verifying.containsKey(cacheKey))) {
            return new Outcome.Authenticated(cached.caller());
        }
        // One verification per credential at a time: the other requests with the same header wait for its result
        // instead of each paying the slow password hash. A cached entry is verified again shortly before it
        // expires, by one request, while the others still use it: a client under load never waits for the hash.
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> running = verifying.putIfAbsent(cacheKey, mine);
        if (running != null) {
            return valid ? new Outcome.Authenticated(cached.caller()) : running.join();
        }
        try {
            Outcome outcome = verify(credentials, clientAddress, cacheKey);
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            verifying.remove(cacheKey);
        }
    }

    private Outcome verify(Credentials credentials, String clientAddress, String cacheKey) {
        String name = credentials.name();
        long wait = throttle.refusedForSeconds(name, clientAddress);
        if (wait > 0) {
            return new Outcome.Throttled(wait);
        }
        // At most a few password hashes per user at once, whatever passwords are tried for it.
        String user = throttle.userKey(name);
        if (user != null && inFlight.merge(user, 1, Integer::sum) > MAX_VERIFICATIONS_PER_USER) {
            inFlight.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
            return new Outcome.Throttled(1);
        }
        try {
            return check(credentials, clientAddress, cacheKey);
        } finally {
            if (user != null) {
                inFlight.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    private Outcome check(Credentials credentials, String clientAddress, String cacheKey) {
        String name = credentials.name();
        Optional<Caller> caller;
        long validUntil = System.currentTimeMillis() + settings.credentialCacheTime().toMillis();
        if (LoginTokens.TOKEN_USER.equals(name)) {
            Optional<LoginTokens.Verified> token = tokens.verify(credentials.password());
            caller = token.map(t -> callerOf(t.user(), t.accessKeyId()));
            if (token.isPresent()) {
                validUntil = Math.min(validUntil, token.get().expiresAt());
            }
        } else {
            CredentialValidationResult result = identityStores.validate(
                    new UsernamePasswordCredential(name, credentials.password()));
            caller = result.getStatus() != CredentialValidationResult.Status.VALID ? Optional.empty()
                    : userOf(result.getCallerPrincipal().getName()).map(u -> callerOf(u, null));
        }
        if (caller.isEmpty()) {
            // A password changed elsewhere (another instance) ends what was cached for it here too.
            verified.invalidate(cacheKey);
            throttle.recordFailure(name, clientAddress);
            Optional<Instant> expired = LoginTokens.TOKEN_USER.equals(name)
                    ? tokens.expiredAt(credentials.password()) : Optional.empty();
            // A CI job with a stale token should learn that, not hunt for a wrong password.
            return new Outcome.Rejected(expired.map(at -> "the login token expired at " + at
                    + "; get a new one (aws ecr get-login-password)").orElse("invalid user name or password"));
        }
        throttle.recordSuccess(name, clientAddress);
        long now = System.currentTimeMillis();
        verified.put(cacheKey, new Cached(caller.get(), validUntil, validUntil - (validUntil - now) / 4));
        return new Outcome.Authenticated(caller.get());
    }

    /**
     * Checks everything of an AWS Signature V4 request for one of {@code services} that does not need its body
     * (form, scope, time, a known active key); throws {@link SigV4Exception} if that already fails. The caller then
     * reads the body, hashing it, and calls {@link #finishSigned}.
     */
    public PendingSignature startSigned(SignedRequest headers, Set<String> services) {
        // The key's user is remembered from the one lookup the verifier makes for the secret.
        AtomicReference<User> signer = new AtomicReference<>();
        SigV4Verifier.Pending pending = sigV4.start(headers, services, keyId ->
                identities.activeKey(keyId).map(key -> {
                    signer.set(key.user());
                    return key.secret();
                }));
        return new PendingSignature(pending, signer.get());
    }

    /** A signed request whose key is known and active; its signature over the body is still to be checked. */
    public record PendingSignature(SigV4Verifier.Pending pending, User signer) {
    }

    /** Checks the signature over the body's SHA-256; throws {@link SigV4Exception} if it does not match. */
    public Caller finishSigned(PendingSignature signature, String bodySha256Hex, long bodyLength) {
        io.berth.security.sigv4.Verified verified = signature.pending().finish(bodySha256Hex, bodyLength);
        return callerOf(signature.signer(), verified.accessKeyId());
    }

    /** The user a validated caller principal ({@code <account>/<user>}) names. */
    private Optional<User> userOf(String principal) {
        int slash = principal.indexOf('/');
        return identities.findUser(principal.substring(0, slash), principal.substring(slash + 1));
    }

    /** The caller a user is now (its current policies), if the user still exists and is enabled. */
    public Optional<Caller> callerOf(long userId) {
        return identities.user(userId).filter(User::enabled).map(user -> callerOf(user, null));
    }

    Caller callerOf(User user, String accessKeyId) {
        return new Caller(user.accountId(), user.id(), user.name(), user.administrator(),
                identities.effectivePolicies(user), accessKeyId);
    }

    /** A Basic credential as decoded: a user name (or AWS, for a login token) and a password. */
    record Credentials(String name, String password) {
        String cacheKey() {
            return LoginTokens.sha256(name + "\u0000" + password);
        }
    }

    /** {@code Basic <base64 of name:password>}, the scheme in any case and with any spaces around the value. */
    static Optional<Credentials> decodeBasic(String authorization) {
        if (authorization == null || !authorization.strip().regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.strip().substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? Optional.empty()
                    : Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }
}
