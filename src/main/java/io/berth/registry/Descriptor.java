package io.berth.registry;

import io.berth.storage.Digest;
import java.util.List;

/** A content descriptor from a manifest (OCI image spec, descriptor.md). */
public record Descriptor(String mediaType, Digest digest, long size, List<String> urls) {

    /** A Docker "foreign" layer lives at its URLs, not in the registry. */
    public boolean isForeign() {
        return urls != null && !urls.isEmpty();
    }
}
