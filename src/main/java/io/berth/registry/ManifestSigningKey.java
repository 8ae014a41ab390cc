package io.berth.registry;

import jakarta.json.JsonObject;

/**
 * The key the registry signs the Docker schema 1 manifests it converts images to: RS256 (RSASSA-PKCS1-v1_5 with
 * SHA-256, deterministic, so that a conversion is the same bytes every time and on every instance), one key for
 * every instance, kept across restarts.
 */
public interface ManifestSigningKey {

    /** The public key as a JSON Web Key ({@code kty}, {@code n}, {@code e}). */
    JsonObject publicJwk();

    /** RS256 over {@code input}. */
    byte[] sign(byte[] input);
}
