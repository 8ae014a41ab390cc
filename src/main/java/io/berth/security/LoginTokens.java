package io.berth.security;

import io.berth.events.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Login tokens as ECR's GetAuthorizationToken issues them: base64 of {@code AWS:<password>}, used as the password
 * of user {@code AWS} in HTTP Basic. The password is random (base64url, so never a colon) and only its SHA-256 is
 * stored; a token stops working when it expires or when its user or access key is disabled or deleted.
 */
@ApplicationScoped
public class LoginTokens {

    public static final String TOKEN_USER = "AWS";
    private static final long EXPIRED_KEPT_MILLIS = 24 * 60 * 60 * 1000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    public record IssuedToken(String authorizationToken, Instant expiresAt) {
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    SecuritySettings settings;

    @Inject
    Identities identities;

    @Inject
    Outbox outbox;

    @Transactional
    public IssuedToken issue(Caller caller) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant expiresAt = Instant.now().plus(settings.tokenLifetime());
        // Expired tokens are kept a day, so that signing in with one can be told it expired rather than failed.
        em.createQuery("DELETE FROM LoginToken t WHERE t.expiresAt < :dayAgo")
                .setParameter("dayAgo", System.currentTimeMillis() - EXPIRED_KEPT_MILLIS).executeUpdate();
        em.persist(new LoginToken(sha256(password), caller.userId(), caller.accessKeyId(), expiresAt.toEpochMilli()));
        outbox.append(new IdentityEvent.LoginTokenIssued(caller.accountId(), caller.userName(), caller.accessKeyId(),
                expiresAt.toEpochMilli(), caller.getName(), System.currentTimeMillis()));
        String token = Base64.getEncoder().encodeToString((TOKEN_USER + ":" + password)
                .getBytes(StandardCharsets.US_ASCII));
        return new IssuedToken(token, expiresAt);
    }

    /** The user a token's password stands for, while the token, its user and its access key are valid. */
    public Optional<Verified> verify(String password) {
        LoginToken token = em.find(LoginToken.class, sha256(password));
        if (token == null || token.expiresAt() < System.currentTimeMillis()) {
            return Optional.empty();
        }
        if (token.accessKeyId() != null
                && identities.accessKey(token.accessKeyId()).filter(AccessKey::active).isEmpty()) {
            return Optional.empty();
        }
        return identities.user(token.userId()).filter(User::enabled)
                .map(u -> new Verified(u, token.accessKeyId(), token.expiresAt()));
    }

    public record Verified(User user, String accessKeyId, long expiresAt) {
    }

    /** When the token a password stands for expired, if it exists and has expired. */
    public Optional<Instant> expiredAt(String password) {
        LoginToken token = em.find(LoginToken.class, sha256(password));
        return token == null || token.expiresAt() >= System.currentTimeMillis() ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(token.expiresAt()));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
