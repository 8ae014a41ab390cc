package io.berth.registry;

/** A manifest whose subject is a given digest, as the referrers API lists it. */
public record Referrer(String mediaType, String digest, long size, String artifactType, String annotationsJson) {
}
