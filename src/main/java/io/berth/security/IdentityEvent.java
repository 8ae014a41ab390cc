package io.berth.security;

import io.berth.events.DomainEvent;
import io.berth.security.InlinePolicy.OwnerKind;

/**
 * A change to an account's identities, written to the outbox in the change's transaction as {@code RegistryEvent}s
 * are. Never a secret: no password, no key's secret, no token.
 */
public sealed interface IdentityEvent extends DomainEvent {

    record AccountCreated(String accountId, String name, String actor, long at) implements IdentityEvent {
    }

    record UserCreated(String accountId, String userName, String userId, boolean administrator, String actor,
                       long at) implements IdentityEvent {
    }

    record UserDeleted(String accountId, String userName, String actor, long at) implements IdentityEvent {
    }

    /** A user's password (IAM's login profile) was set: {@code created} for the first one. */
    record PasswordSet(String accountId, String userName, boolean created, String actor, long at)
            implements IdentityEvent {
    }

    record PasswordDeleted(String accountId, String userName, String actor, long at) implements IdentityEvent {
    }

    record AccessKeyCreated(String accountId, String userName, String accessKeyId, String actor, long at)
            implements IdentityEvent {
    }

    record AccessKeyStatusChanged(String accountId, String userName, String accessKeyId, boolean active,
                                  String actor, long at) implements IdentityEvent {
    }

    record AccessKeyDeleted(String accountId, String userName, String accessKeyId, String actor, long at)
            implements IdentityEvent {
    }

    record GroupCreated(String accountId, String groupName, String groupId, String actor, long at)
            implements IdentityEvent {
    }

    record GroupMembershipChanged(String accountId, String groupName, String userName, boolean member,
                                  String actor, long at) implements IdentityEvent {
    }

    /** A user's or group's inline policy as it is now. */
    record PolicyPut(String accountId, OwnerKind ownerKind, String ownerName, String policyName, String document,
                     String actor, long at) implements IdentityEvent {
    }

    record PolicyDeleted(String accountId, OwnerKind ownerKind, String ownerName, String policyName, String actor,
                         long at) implements IdentityEvent {
    }

    /** A login token was issued (ECR's GetAuthorizationToken) to a user, through an access key or a password. */
    record LoginTokenIssued(String accountId, String userName, String accessKeyId, long expiresAt, String actor,
                            long at) implements IdentityEvent {
    }
}
