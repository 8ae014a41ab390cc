package io.berth.security;

/**
 * Where a request comes from, as policies and throttling see it: the client's address and whether it reached Berth
 * over TLS. Behind a trusted proxy both come from the proxy's {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto}; otherwise from the connection itself.
 *
 * @param address the client's IP address ({@code aws:SourceIp})
 * @param secure  whether the request travelled over TLS ({@code aws:SecureTransport})
 */
public record ClientOrigin(String address, boolean secure) {

    /** The request attribute under which the authentication mechanism leaves the origin it determined. */
    public static final String ATTRIBUTE = ClientOrigin.class.getName();
}
