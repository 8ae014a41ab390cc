package io.berth.security;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** An inline identity policy of a user or a group. */
@Entity
@Table(name = "iam_policy")
@IdClass(InlinePolicy.Key.class)
public class InlinePolicy {

    public enum OwnerKind { USER, GROUP }

    /** The composite key, as JPA wants it: a mutable class with the same field names. */
    public static class Key implements Serializable {
        String ownerKind;
        long ownerId;
        String name;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && ownerId == k.ownerId && Objects.equals(ownerKind, k.ownerKind)
                    && Objects.equals(name, k.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(ownerKind, ownerId, name);
        }
    }

    @Id
    @Column(name = "owner_kind")
    private String ownerKind;

    @Id
    @Column(name = "owner_id")
    private long ownerId;

    @Id
    private String name;

    private String document;

    protected InlinePolicy() {
    }

    InlinePolicy(OwnerKind ownerKind, long ownerId, String name, String document) {
        this.ownerKind = ownerKind.name();
        this.ownerId = ownerId;
        this.name = name;
        this.document = document;
    }

    public String name() {
        return name;
    }

    public String document() {
        return document;
    }

    void document(String document) {
        this.document = document;
    }
}
