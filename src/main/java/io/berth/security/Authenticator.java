package io.berth.security;

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

    private final ConcurrentMap<String, Cached> verified = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CompletableFuture<Outcome>> verifying = new ConcurrentHashMap<>();
    private SigV4Verifier sigV4;

    private record Cached(Caller caller, long validUntil) {
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
        verified.clear();
    }

    /** Checks an {@code Authorization: Basic …} header from {@code clientAddress}. */
    public Outcome basic(String authorization, String clientAddress) {
        String cacheKey = LoginTokens.sha256(authorization);
        Cached cached = verified.get(cacheKey);
        if (cached != null && cached.validUntil() > System.currentTimeMillis()) {
            return new Outcome.Authenticated(cached.caller());
        }
        // One verification per credential at a time: when a cached entry expires under load, the other requests
        // with the same header wait for its result instead of each paying the slow password hash.
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> running = verifying.putIfAbsent(cacheKey, mine);
        if (running != null) {
            return running.join();
        }
        try {
            Outcome outcome = verify(authorization, clientAddress, cacheKey);
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            verifying.remove(cacheKey);
        }
    }

    private Outcome verify(String authorization, String clientAddress, String cacheKey) {
        long now = System.currentTimeMillis();
        Optional<String[]> credentials = decodeBasic(authorization);
        if (credentials.isEmpty()) {
            return new Outcome.Rejected("malformed Basic credentials");
        }
        String name = credentials.get()[0];
        String password = credentials.get()[1];
        long wait = throttle.refusedForSeconds(name, clientAddress);
        if (wait > 0) {
            return new Outcome.Throttled(wait);
        }
        Optional<Caller> caller;
        long validUntil = now + settings.credentialCacheTime().toMillis();
        if (LoginTokens.TOKEN_USER.equals(name)) {
            Optional<LoginTokens.Verified> token = tokens.verify(password);
            caller = token.map(t -> callerOf(t.user(), t.accessKeyId()));
            if (token.isPresent()) {
                validUntil = Math.min(validUntil, token.get().expiresAt());
            }
        } else {
            CredentialValidationResult result = identityStores.validate(new UsernamePasswordCredential(name, password));
            caller = result.getStatus() != CredentialValidationResult.Status.VALID ? Optional.empty()
                    : userOf(result.getCallerPrincipal().getName()).map(u -> callerOf(u, null));
        }
        if (caller.isEmpty()) {
            sleep(throttle.recordFailure(name, clientAddress));
            return new Outcome.Rejected("invalid user name or password");
        }
        throttle.recordSuccess(name);
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.put(cacheKey, new Cached(caller.get(), validUntil));
        return new Outcome.Authenticated(caller.get());
    }

    /** Checks an AWS Signature V4 request for one of {@code services}; throws {@link SigV4Exception} if invalid. */
    public Caller signed(SignedRequest request, Set<String> services) {
        // The key's user is remembered from the one lookup the verifier makes for the secret.
        AtomicReference<User> signer = new AtomicReference<>();
        io.berth.security.sigv4.Verified signature = sigV4.verify(request, services, keyId ->
                identities.activeKey(keyId).map(key -> {
                    signer.set(key.user());
                    return key.secret();
                }));
        return callerOf(signer.get(), signature.accessKeyId());
    }

    /** The user a validated caller principal ({@code <account>/<user>}) names. */
    private Optional<User> userOf(String principal) {
        int slash = principal.indexOf('/');
        return identities.findUser(principal.substring(0, slash), principal.substring(slash + 1));
    }

    Caller callerOf(User user, String accessKeyId) {
        return new Caller(user.accountId(), user.id(), user.name(), user.administrator(),
                identities.effectivePolicies(user), accessKeyId);
    }

    private static Optional<String[]> decodeBasic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
