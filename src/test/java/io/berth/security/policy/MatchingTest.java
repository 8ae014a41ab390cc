package io.berth.security.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The building blocks: wildcard patterns and IP ranges. */
class MatchingTest {

    static Stream<Arguments> wildcards() {
        return Stream.of(
                Arguments.of("*", "", true),
                Arguments.of("*", "anything", true),
                Arguments.of("team/*", "team/app", true),
                Arguments.of("team/*", "team/", true),
                Arguments.of("team/*", "team", false),
                Arguments.of("a*b*c", "aXXbYYc", true),
                Arguments.of("a*b*c", "aXXbYY", false),
                Arguments.of("a*b", "abab", true),
                Arguments.of("a?c", "abc", true),
                Arguments.of("a?c", "ac", false),
                Arguments.of("a?c", "abbc", false),
                Arguments.of("a.c", "abc", false), // not a regular expression
                Arguments.of("[ab]", "a", false),
                Arguments.of("Team/*", "team/app", false),
                Arguments.of("*".repeat(30) + "x", "a".repeat(40), false));
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @MethodSource("wildcards")
    void wildcardPatterns(String pattern, String text, boolean expected) {
        assertEquals(expected, Wildcards.matches(pattern, text));
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of("10.0.0.0/8", "10.255.255.255", true),
                Arguments.of("10.0.0.0/8", "9.255.255.255", false),
                Arguments.of("192.0.2.128/25", "192.0.2.200", true),
                Arguments.of("192.0.2.128/25", "192.0.2.100", false),
                Arguments.of("192.0.2.1/32", "192.0.2.1", true),
                Arguments.of("2001:db8::/32", "2001:0db8:ffff::1", true),
                Arguments.of("2001:db8::/33", "2001:db8:8000::1", false),
                Arguments.of("::1", "0:0:0:0:0:0:0:1", true),
                Arguments.of("10.0.0.0/8", "10.1", false), // legacy short forms are not addresses
                Arguments.of("10.0.0.0/8", "010.1.1.1", false),
                Arguments.of("10.0.0.0/8", "", false),
                Arguments.of("10.0.0.0/8", "localhost", false),
                Arguments.of("::/0", "fe80::1%eth0", false));
    }

    @ParameterizedTest(name = "{0} contains {1} -> {2}")
    @MethodSource("ranges")
    void ipRanges(String range, String address, boolean expected) {
        assertEquals(expected, IpRange.parse(range).contains(address));
    }

    @Test
    void invalidRangesSayWhy() {
        assertEquals("the prefix length must be 0 to 32",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("10.0.0.0/-1")).getMessage());
        assertEquals("not an IPv4 or IPv6 address",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("example.com/8")).getMessage());
        assertEquals("not an IPv4 or IPv6 address",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("1:2:3/64")).getMessage());
        assertEquals("IPv4-mapped IPv6 addresses are not supported; write the IPv4 address",
                assertThrows(IllegalArgumentException.class, () -> IpRange.parse("::ffff:10.0.0.0/104")).getMessage());
    }
}
