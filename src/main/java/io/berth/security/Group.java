package io.berth.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.util.HashSet;
import java.util.Set;

/** A group of users in one account; its policies apply to every member. */
@Entity
@Table(name = "iam_group")
public class Group {

    @Id
    @SequenceGenerator(name = "iam_group_seq", sequenceName = "iam_group_seq", allocationSize = 1)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "iam_group_seq")
    private Long id;

    @Column(name = "account_id")
    private String accountId;

    private String name;

    @Column(name = "external_id")
    private String externalId;

    @Column(name = "created_at")
    private long createdAt;

    @ManyToMany
    @JoinTable(name = "iam_group_member", joinColumns = @JoinColumn(name = "group_id"),
            inverseJoinColumns = @JoinColumn(name = "user_id"))
    private Set<User> members = new HashSet<>();

    protected Group() {
    }

    Group(String accountId, String name, String externalId, long createdAt) {
        this.accountId = accountId;
        this.name = name;
        this.externalId = externalId;
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
        return "arn:aws:iam::" + accountId + ":group/" + name;
    }

    public long createdAt() {
        return createdAt;
    }

    Set<User> members() {
        return members;
    }
}
