package io.berth.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.security.policy.IpRange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the authentication mechanism reads off a request: credentials, the client's origin, the body. */
class RequestFactsTest {

    private static final List<IpRange> PROXY = TrustedProxies.parse("10.0.0.0/8, 192.0.2.1");

    @Test
    void basicCredentialsMeanTheSameHoweverTheHeaderIsWritten() {
        String value = Base64.getEncoder().encodeToString("admin:pass:word".getBytes(StandardCharsets.UTF_8));
        Authenticator.Credentials canonical = Authenticator.decodeBasic("Basic " + value).orElseThrow();
        assertEquals("admin", canonical.name());
        assertEquals("pass:word", canonical.password());
        for (String variant : List.of("basic " + value, "BASIC   " + value + "  ", "  Basic " + value)) {
            assertEquals(canonical.cacheKey(), Authenticator.decodeBasic(variant).orElseThrow().cacheKey(), variant);
        }
        assertTrue(Authenticator.decodeBasic("Basic !!!").isEmpty());
        assertTrue(Authenticator.decodeBasic("Bearer " + value).isEmpty());
        assertTrue(Authenticator.decodeBasic("Basic " + Base64.getEncoder().encodeToString(
                ":nobody".getBytes(StandardCharsets.UTF_8))).isEmpty());
    }

    @Test
    void forwardedHeadersCountOnlyFromTrustedProxies() {
        assertEquals(new ClientOrigin("203.0.113.9", false),
                TrustedProxies.origin(PROXY, "203.0.113.9", false, List.of("198.51.100.7"), "https"));
        assertEquals(new ClientOrigin("198.51.100.7", true),
                TrustedProxies.origin(PROXY, "10.1.2.3", false, List.of("198.51.100.7"), "https"));
        // Nearest first: the entry the proxy appended, past any further proxies; what the client wrote before
        // that proves nothing.
        assertEquals(new ClientOrigin("198.51.100.7", false),
                TrustedProxies.origin(PROXY, "10.1.2.3", false, List.of("6.6.6.6, 198.51.100.7", "192.0.2.1"), null));
        assertEquals(new ClientOrigin("10.1.2.3", true),
                TrustedProxies.origin(PROXY, "10.1.2.3", true, List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33"));
    }

    @Test
    void onlyThePagesOfTheRegistryItselfAreItsOrigin() {
        assertTrue(CrossSite.sameOrigin("http://127.0.0.1:5000", "http", "127.0.0.1:5000"));
        assertTrue(CrossSite.sameOrigin("https://registry.example", "https", "registry.example:443"));
        assertFalse(CrossSite.sameOrigin("https://evil.example", "https", "registry.example"));
        assertFalse(CrossSite.sameOrigin("http://registry.example", "https", "registry.example"));
        assertFalse(CrossSite.sameOrigin("null", "http", "127.0.0.1:5000"));
    }

    @Test
    void signedBodiesAreReadAndHashedUpToTheirLimit() throws IOException {
        byte[] data = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        for (long declared : new long[] {data.length, -1}) {
            SignedBodies.Body body = SignedBodies.read(new ByteArrayInputStream(data), declared, 100_000);
            assertArrayEquals(data, body.bytes());
            assertEquals(LoginTokens.sha256("x".repeat(100_000)), body.sha256Hex());
            assertNull(SignedBodies.read(new ByteArrayInputStream(data), declared, 99_999));
        }
        assertEquals(0, SignedBodies.read(new ByteArrayInputStream(new byte[0]), 0, 10).bytes().length);
    }
}
