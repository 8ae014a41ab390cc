package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The spec's grammar: components [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* joined by '/'; tags [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}. */
class NamesTest {

    @Test
    void acceptsNamesOfTheGrammar() {
        for (String name : new String[] {"a", "library/ubuntu", "a.b_c__d-e--f/g0", "x/y/z/w", "0"}) {
            assertTrue(Names.isRepositoryName(name), name);
        }
        assertTrue(Names.isRepositoryName("a".repeat(255)));
    }

    @Test
    void refusesNamesOutsideTheGrammar() {
        for (String name : new String[] {"", "A", "a/", "/a", "a//b", "a/../b", "..", "a/./b", "-a", "a-",
                "a___b", "a..b", "a b", "a%2fb", "_catalog", "a/B", "a" + "/b".repeat(128)}) {
            assertFalse(Names.isRepositoryName(name), name);
        }
        assertFalse(Names.isRepositoryName("a".repeat(256)));
        assertFalse(Names.isRepositoryName(null));
    }

    @Test
    void aFirstComponentOfTwelveDigitsNamesAnAccount() {
        assertTrue(Names.isAccountPrefixed("000000000000/app"));
        assertTrue(Names.isAccountPrefixed("123456789012/team/app"));
        assertFalse(Names.isAccountPrefixed("000000000000"), "an account alone");
        assertFalse(Names.isAccountPrefixed("00000000000/app"), "eleven digits");
        assertFalse(Names.isAccountPrefixed("0000000000000/app"), "thirteen digits");
        assertFalse(Names.isAccountPrefixed("team/000000000000"));
    }

    @Test
    void tags() {
        assertTrue(Names.isTag("latest"));
        assertTrue(Names.isTag("_v1.2-rc.3"));
        assertTrue(Names.isTag("a".repeat(128)));
        assertFalse(Names.isTag("a".repeat(129)));
        assertFalse(Names.isTag(".hidden"));
        assertFalse(Names.isTag("-x"));
        assertFalse(Names.isTag("a:b"));
        assertFalse(Names.isTag(""));
    }
}
