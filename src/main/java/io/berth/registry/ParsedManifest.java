package io.berth.registry;

import io.berth.storage.Digest;
import java.util.List;

/**
 * What the registry reads out of a manifest: its type and everything it references, and the bytes its digest is
 * taken over ({@code digested}: the manifest itself, except for a signed Docker schema 1 manifest, whose digest is
 * its payload's, without the signatures).
 */
public record ParsedManifest(
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Digest subject,
        String artifactType,
        String annotationsJson,
        byte[] digested) {

    /** The manifest's digest with the given digest's algorithm (sha256 for anything new). */
    public Digest digest(String algorithm) {
        return Digest.of(algorithm, Digest.newMessageDigest(algorithm).digest(digested));
    }

    public boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType);
    }

    /** The artifact type the referrers API reports: {@code artifactType}, else the config's media type. */
    public String effectiveArtifactType() {
        if (artifactType != null) {
            return artifactType;
        }
        return config == null ? null : config.mediaType();
    }
}
