package io.berth.registry;

import io.berth.storage.Digest;
import java.util.List;

/** What the registry reads out of a manifest: its type and everything it references. */
public record ParsedManifest(
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Digest subject,
        String artifactType,
        String annotationsJson) {

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
