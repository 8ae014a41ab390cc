package io.berth.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A login token from GetAuthorizationToken; only a SHA-256 of its password is stored. */
@Entity
@Table(name = "login_token")
public class LoginToken {

    @Id
    @Column(name = "password_sha256")
    private String passwordSha256;

    @Column(name = "user_id")
    private long userId;

    @Column(name = "access_key_id")
    private String accessKeyId;

    @Column(name = "expires_at")
    private long expiresAt;

    protected LoginToken() {
    }

    LoginToken(String passwordSha256, long userId, String accessKeyId, long expiresAt) {
        this.passwordSha256 = passwordSha256;
        this.userId = userId;
        this.accessKeyId = accessKeyId;
        this.expiresAt = expiresAt;
    }

    long userId() {
        return userId;
    }

    String accessKeyId() {
        return accessKeyId;
    }

    long expiresAt() {
        return expiresAt;
    }
}
