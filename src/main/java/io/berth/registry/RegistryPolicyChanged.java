package io.berth.registry;

import io.berth.events.DomainEvent;

/** An account's registry policy set, or deleted ({@code policy} null). */
public record RegistryPolicyChanged(String accountId, String policy, String actor, long at) implements DomainEvent {
}
