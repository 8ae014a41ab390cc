package io.berth.registry;

/** A manifest as the registry serves it. */
public record StoredManifest(String digest, String mediaType, byte[] content, String subjectDigest) {
}
