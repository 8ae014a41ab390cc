package io.berth.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An access key for AWS Signature V4; the secret is kept encrypted with the server key. */
@Entity
@Table(name = "access_key")
public class AccessKey {

    @Id
    private String id;

    @Column(name = "user_id")
    private long userId;

    @Column(name = "secret_encrypted")
    private String secretEncrypted;

    private boolean active;

    @Column(name = "created_at")
    private long createdAt;

    protected AccessKey() {
    }

    AccessKey(String id, long userId, String secretEncrypted, long createdAt) {
        this.id = id;
        this.userId = userId;
        this.secretEncrypted = secretEncrypted;
        this.active = true;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public long userId() {
        return userId;
    }

    String secretEncrypted() {
        return secretEncrypted;
    }

    public boolean active() {
        return active;
    }

    void active(boolean active) {
        this.active = active;
    }

    public long createdAt() {
        return createdAt;
    }
}
