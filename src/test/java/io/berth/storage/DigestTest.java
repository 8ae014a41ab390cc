package io.berth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {

    @Test
    void sha256OfKnownContent() {
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Digest.sha256(new byte[0]).toString());
        assertEquals("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                Digest.sha256("hello".getBytes(StandardCharsets.UTF_8)).toString());
    }

    @Test
    void parsesSha256AndSha512() {
        assertEquals("sha256", Digest.parse("sha256:" + "a".repeat(64)).algorithm());
        assertEquals("sha512", Digest.parse("sha512:" + "0".repeat(128)).algorithm());
    }

    @Test
    void refusesMalformedDigests() {
        for (String bad : new String[] {"", "sha256", "sha256:", "sha256:" + "a".repeat(63),
                "sha256:" + "A".repeat(64), "sha256:" + "g".repeat(64), "md5:" + "a".repeat(32),
                "sha512:" + "a".repeat(64), ":" + "a".repeat(64), "sha256:../" + "a".repeat(61)}) {
            assertThrows(IllegalArgumentException.class, () -> Digest.parse(bad), bad);
            assertFalse(Digest.isDigest(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(null));
        assertTrue(Digest.isDigest("sha256:" + "a".repeat(64)));
    }
}
