package io.berth.registry;

import java.util.List;

/**
 * What happened in the registry, fired as CDI events by the domain services so that audit, metering and
 * replication can observe it without the services knowing them. Digests are strings; {@code actor} is the
 * authenticated principal's name; {@code at} is epoch milliseconds.
 */
public sealed interface RegistryEvent {

    String repository();

    String actor();

    long at();

    record RepositoryCreated(String repository, String actor, long at) implements RegistryEvent {
    }

    /** A repository was deleted with everything in it (its images, tags and links). */
    record RepositoryDeleted(String repository, int images, String actor, long at) implements RegistryEvent {
    }

    record BlobUploaded(String repository, String digest, long size, String actor, long at) implements RegistryEvent {
    }

    record BlobMounted(String repository, String fromRepository, String digest, String actor, long at)
            implements RegistryEvent {
    }

    record BlobDeleted(String repository, String digest, String actor, long at) implements RegistryEvent {
    }

    record ImagePushed(String repository, String digest, String mediaType, long size, String actor, long at)
            implements RegistryEvent {
    }

    /** A tag was created ({@code oldDigest} null) or moved to another image. */
    record TagMoved(String repository, String tag, String oldDigest, String newDigest, String actor, long at)
            implements RegistryEvent {
    }

    record TagDeleted(String repository, String tag, String digest, String actor, long at) implements RegistryEvent {
    }

    /** An image was deleted with its tags; {@code expiredByRule} is the lifecycle rule that expired it, or null. */
    record ImageDeleted(String repository, String digest, List<String> tags, String actor, long at,
                        Integer expiredByRule) implements RegistryEvent {
    }

    record ImagePulled(String repository, String digest, String reference, String actor, long at)
            implements RegistryEvent {
    }
}
