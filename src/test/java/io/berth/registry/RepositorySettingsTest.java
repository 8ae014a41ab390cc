package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RepositorySettingsTest {

    private static RepositorySettings mode(String mutability, String... exclusions) {
        return new RepositorySettings(mutability, List.of(exclusions), false, "AES256", null);
    }

    @ParameterizedTest
    @CsvSource({
        "MUTABLE, latest, false",
        "IMMUTABLE, latest, true",
        "IMMUTABLE_WITH_EXCLUSION, latest, false",
        "IMMUTABLE_WITH_EXCLUSION, dev-1, false",
        "IMMUTABLE_WITH_EXCLUSION, v1.0, true",
        "MUTABLE_WITH_EXCLUSION, v1.0, false",
        "MUTABLE_WITH_EXCLUSION, latest, true",
        "MUTABLE_WITH_EXCLUSION, dev-7, true",
    })
    void exclusionsInvertTheMode(String mutability, String tag, boolean immutable) {
        assertEquals(immutable, mode(mutability, "latest", "dev-*").tagImmutable(tag));
    }

    @ParameterizedTest
    @CsvSource({
        "*, anything, true",
        "v*.0, v1.0, true",
        "v*.0, v1.1, false",
        "a.b, axb, false",
        "*-rc*, 2.0-rc1, true",
        "release, release-1, false",
    })
    void wildcardsMatchWholeTags(String pattern, String tag, boolean matches) {
        assertEquals(matches, TagPatterns.matches(pattern, tag));
    }

    @Test
    void aPatternThatWouldMakeARegularExpressionBacktrackIsJustAnotherPattern() {
        // As a regular expression (.*a.*a.*a.*a.*a.*b) this took a minute on a 128-character tag of a's.
        assertFalse(TagPatterns.matches("*a*a*a*a*a*b", "a".repeat(128)));
        assertTrue(TagPatterns.matches("*a*a*a*a*a*b", "a".repeat(127) + "b"));
        assertEquals(6, TagPatterns.wildcards("*a*a*a*a*a*b"));
    }
}
