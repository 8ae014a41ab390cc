package io.berth.registry;

import io.berth.events.DomainEvent;
import java.util.List;

/**
 * What happened in the registry, written to the outbox by the domain services so that audit, metering, webhooks and
 * replication can observe it after commit without the services knowing them. {@code repository} is qualified by its
 * account ({@code 000000000000/team/app}, a {@link RepositoryName}'s text: events are JSON in the outbox and to
 * webhooks, and keep it as a string there); digests are strings.
 */
public sealed interface RegistryEvent extends DomainEvent {

    String repository();

    @Override
    default String accountId() {
        return RepositoryName.parse(repository()).accountId();
    }

    /** Why an image or tag went away. */
    enum Cause {
        /** A user or client deleted it. */
        USER,
        /** A lifecycle policy's rule expired it. */
        LIFECYCLE,
        /** Its repository was deleted with everything in it. */
        REPOSITORY_DELETED
    }

    record RepositoryCreated(String repository, String actor, long at) implements RegistryEvent {
    }

    /** A repository was deleted with everything in it (its images, tags and links). */
    record RepositoryDeleted(String repository, int images, String actor, long at) implements RegistryEvent {
    }

    /** The repository's settings (tag mutability and its exclusions, scanning, encryption) as they are now. */
    record RepositorySettingsChanged(String repository, RepositorySettings settings, String actor, long at)
            implements RegistryEvent {
    }

    /** The repository's resource tags as they are now (after a TagResource or UntagResource). */
    record ResourceTagsChanged(String repository, java.util.Map<String, String> tags, String actor, long at)
            implements RegistryEvent {
    }

    /** The repository policy set, or deleted ({@code policy} null). */
    record RepositoryPolicyChanged(String repository, String policy, String actor, long at)
            implements RegistryEvent {
    }

    /** The lifecycle policy set, or deleted ({@code policy} null). */
    record LifecyclePolicyChanged(String repository, String policy, String actor, long at)
            implements RegistryEvent {
    }

    record BlobUploaded(String repository, String digest, long size, String actor, long at) implements RegistryEvent {
    }

    record BlobMounted(String repository, String fromRepository, String digest, String actor, long at)
            implements RegistryEvent {
    }

    record BlobDeleted(String repository, String digest, String actor, long at) implements RegistryEvent {
    }

    /**
     * A new image: {@code size} counts the manifest and what it references, {@code manifestBytes} the manifest alone
     * (what its push sent; the blobs came as their own uploads); {@code tags} are those its push applied (each also a
     * TagMoved).
     */
    record ImagePushed(String repository, String digest, String mediaType, long size, long manifestBytes,
                       List<String> tags, String actor, long at) implements RegistryEvent {
    }

    /** A tag was created ({@code oldDigest} null) or moved to another image. */
    record TagMoved(String repository, String tag, String oldDigest, String newDigest, String actor, long at)
            implements RegistryEvent {
    }

    record TagDeleted(String repository, String tag, String digest, String actor, long at) implements RegistryEvent {
    }

    /**
     * An image was deleted with its tags; {@code rulePriority} is the lifecycle rule that expired it (cause
     * LIFECYCLE), otherwise null.
     */
    record ImageDeleted(String repository, String digest, List<String> tags, String actor, long at, Cause cause,
                        Integer rulePriority) implements RegistryEvent {
    }

    /**
     * A manifest was read (GET, not HEAD) by tag or digest: {@code pulls} times by one caller, {@code bytes} in all,
     * the last at {@code at}. A read event: reads are added up in memory and written in batches after the fact.
     */
    record ImagePulled(String repository, String digest, String reference, long pulls, long bytes, String actor,
                       long at) implements RegistryEvent {
    }

    /**
     * A blob's bytes were sent {@code downloads} times by one caller: {@code bytes} is what went out (a range request
     * sends part of the blob). A read event, as {@link ImagePulled}.
     */
    record BlobDownloaded(String repository, String digest, long downloads, long bytes, String actor, long at)
            implements RegistryEvent {
    }
}
