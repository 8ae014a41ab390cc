package io.berth.security.sigv4;

/** A request whose signature checked out: who signed it, and for which service and region. */
public record Verified(String accessKeyId, String service, String region) {
}
