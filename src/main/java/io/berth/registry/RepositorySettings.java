package io.berth.registry;

import java.util.List;

/**
 * A repository's settings as ECR has them: whether tags may be overwritten (with wildcard exclusions for the
 * {@code *_WITH_EXCLUSION} modes), scan on push, and the encryption configuration (stored; Berth's own encryption at
 * rest is a separate setting).
 */
public record RepositorySettings(String tagMutability, List<String> mutabilityExclusions, boolean scanOnPush,
                                 String encryptionType, String kmsKey) {

    public static final RepositorySettings DEFAULTS = new RepositorySettings("MUTABLE", List.of(), false, "AES256",
            null);

    /** Whether a tag, once set, may not be moved to another image. */
    public boolean tagImmutable(String tag) {
        boolean excluded = mutabilityExclusions.stream().anyMatch(pattern -> TagPatterns.matches(pattern, tag));
        return switch (tagMutability) {
            case "IMMUTABLE" -> true;
            case "IMMUTABLE_WITH_EXCLUSION" -> !excluded;
            case "MUTABLE_WITH_EXCLUSION" -> excluded;
            default -> false;
        };
    }
}
