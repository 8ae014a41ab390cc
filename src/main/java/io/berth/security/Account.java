package io.berth.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant, with a 12-digit id as Amazon's account (registry) ids have. */
@Entity
@Table(name = "account")
public class Account {

    @Id
    private String id;

    private String name;

    @Column(name = "created_at")
    private long createdAt;

    protected Account() {
    }

    Account(String id, String name, long createdAt) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }
}
