package io.berth.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A user of an account: signs in with a password or access keys. */
@Entity
@Table(name = "iam_user")
public class User {

    @Id
    @SequenceGenerator(name = "iam_user_seq", sequenceName = "iam_user_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "iam_user_seq")
    private Long id;

    @Column(name = "account_id")
    private String accountId;

    private String name;

    @Column(name = "external_id")
    private String externalId;

    @Column(name = "password_hash")
    private String passwordHash;

    private boolean enabled;

    private boolean administrator;

    @Column(name = "created_at")
    private long createdAt;

    protected User() {
    }

    User(String accountId, String name, String externalId, boolean administrator, long createdAt) {
        this.accountId = accountId;
        this.name = name;
        this.externalId = externalId;
        this.administrator = administrator;
        this.enabled = true;
        this.createdAt = createdAt;
    }

    public Long id() {
        return id;
    }

    public String accountId() {
        return accountId;
    }

    public String name() {
        return name;
    }

    public String externalId() {
        return externalId;
    }

    public String arn() {
        return Arns.user(accountId, name);
    }

    String passwordHash() {
        return passwordHash;
    }

    /** Whether the user may sign in with a password (has an IAM login profile). */
    public boolean hasPassword() {
        return passwordHash != null;
    }

    void passwordHash(String hash) {
        this.passwordHash = hash;
    }

    public boolean enabled() {
        return enabled;
    }

    void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean administrator() {
        return administrator;
    }

    public long createdAt() {
        return createdAt;
    }
}
