package io.berth.registry;

import io.berth.storage.Digest;

/** A manifest reference: a tag or a digest. */
public sealed interface Reference {

    record ByTag(String tag) implements Reference {
    }

    record ByDigest(Digest digest) implements Reference {
    }

    static Reference parse(String text) {
        if (text != null && text.indexOf(':') > 0) {
            try {
                return new ByDigest(Digest.parse(text));
            } catch (IllegalArgumentException e) {
                throw new RegistryException(Problem.DIGEST_INVALID, "invalid digest reference", text);
            }
        }
        if (!Names.isTag(text)) {
            throw new RegistryException(Problem.TAG_INVALID, "invalid tag", text);
        }
        return new ByTag(text);
    }

    /** The reference, or empty when the text can name no manifest (neither a tag nor a supported digest). */
    static java.util.Optional<Reference> tryParse(String text) {
        if (text != null && text.indexOf(':') > 0) {
            return Digest.isDigest(text) ? java.util.Optional.of(new ByDigest(Digest.parse(text)))
                    : java.util.Optional.empty();
        }
        return Names.isTag(text) ? java.util.Optional.of(new ByTag(text)) : java.util.Optional.empty();
    }

    static Digest parseDigest(String text) {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(Problem.DIGEST_INVALID, "invalid digest", text);
        }
    }
}
