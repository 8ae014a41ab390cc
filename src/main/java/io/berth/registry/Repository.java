package io.berth.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

@Entity
@Table(name = "repository")
public class Repository {

    @Id
    @SequenceGenerator(name = "repository_seq", sequenceName = "repository_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "repository_seq")
    private Long id;

    @Column(name = "account_id")
    private String accountId;

    private String name;

    @Column(name = "created_at")
    private long createdAt;

    private String policy;

    @Column(name = "lifecycle_policy")
    private String lifecyclePolicy;

    @Column(name = "lifecycle_evaluated_at")
    private Long lifecycleEvaluatedAt;

    @Column(name = "tag_mutability")
    private String tagMutability = "MUTABLE";

    @Column(name = "tag_mutability_exclusions")
    private String tagMutabilityExclusions;

    @Column(name = "scan_on_push")
    private boolean scanOnPush;

    @Column(name = "encryption_type")
    private String encryptionType = "AES256";

    @Column(name = "kms_key")
    private String kmsKey;

    protected Repository() {
    }

    Repository(String accountId, String name, long createdAt) {
        this.accountId = accountId;
        this.name = name;
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

    public RepositorySettings settings() {
        return new RepositorySettings(tagMutability, tagMutabilityExclusions == null ? java.util.List.of()
                : java.util.List.of(tagMutabilityExclusions.split("\n")), scanOnPush, encryptionType, kmsKey);
    }

    void settings(RepositorySettings settings) {
        this.tagMutability = settings.tagMutability();
        this.tagMutabilityExclusions = settings.mutabilityExclusions().isEmpty() ? null
                : String.join("\n", settings.mutabilityExclusions());
        this.scanOnPush = settings.scanOnPush();
        this.encryptionType = settings.encryptionType();
        this.kmsKey = settings.kmsKey();
    }

    /** The account and name together: how the domain addresses it. */
    public RepositoryName repositoryName() {
        return new RepositoryName(accountId, name);
    }

    /** When the lifecycle policy was last applied (epoch millis), or null. */
    public Long lifecycleEvaluatedAt() {
        return lifecycleEvaluatedAt;
    }

    void lifecycleEvaluatedAt(long when) {
        this.lifecycleEvaluatedAt = when;
    }

    /** The lifecycle policy (ECR's JSON), or null. */
    public String lifecyclePolicy() {
        return lifecyclePolicy;
    }

    void lifecyclePolicy(String policy) {
        this.lifecyclePolicy = policy;
    }

    /** The repository policy (IAM JSON), or null. */
    public String policy() {
        return policy;
    }

    void policy(String policy) {
        this.policy = policy;
    }

    public long createdAt() {
        return createdAt;
    }
}
