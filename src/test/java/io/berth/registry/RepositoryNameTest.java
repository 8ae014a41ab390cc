package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** An account (12 digits) and a name of the spec's grammar; its text {@code <account>/<name>} reads back equal. */
class RepositoryNameTest {

    private static final String ACCOUNT = "000000000000";

    @Test
    void aValidNameKeepsItsAccountAndName() {
        RepositoryName name = new RepositoryName(ACCOUNT, "team/app");
        assertEquals(ACCOUNT, name.accountId());
        assertEquals("team/app", name.name());
        assertEquals("000000000000/team/app", name.toString());
        assertEquals("arn:aws:ecr:eu-west-1:000000000000:repository/team/app", name.arn("eu-west-1"));
        assertEquals(new RepositoryName(ACCOUNT, "team/app"), name);
    }

    @Test
    void anAccountOtherThanTwelveDigitsIsRefusedWithTheWholeText() {
        for (String account : new String[] {"12345", "00000000000a", "0000000000000", "", "00000000000/"}) {
            RegistryException e = assertThrows(RegistryException.class, () -> new RepositoryName(account, "app"),
                    account);
            assertInvalid(account + "/app", e);
        }
        assertInvalid("null/app", assertThrows(RegistryException.class, () -> new RepositoryName(null, "app")));
    }

    @Test
    void aNameOutsideTheGrammarIsRefusedWithTheName() {
        for (String bad : new String[] {"", "Team/app", "a//b", "/a", "a/", "-a", "a".repeat(256)}) {
            assertInvalid(bad, assertThrows(RegistryException.class, () -> new RepositoryName(ACCOUNT, bad), bad));
        }
        assertInvalid(null, assertThrows(RegistryException.class, () -> new RepositoryName(ACCOUNT, null)));
    }

    @Test
    void parseReadsWhatToStringWrites() {
        for (String text : new String[] {"000000000000/app", "123456789012/team/app", "000000000000/a.b_c__d-e/f0",
                "000000000000/111111111111/app"}) {
            RepositoryName name = RepositoryName.parse(text);
            assertEquals(text, name.toString());
            assertEquals(name, RepositoryName.parse(name.toString()));
        }
        RepositoryName nested = RepositoryName.parse("000000000000/111111111111/app");
        assertEquals(ACCOUNT, nested.accountId(), "the first component is the account");
        assertEquals("111111111111/app", nested.name());
    }

    @Test
    void parseRefusesTextWithoutAnAccountOrWithAnInvalidName() {
        // Without an account the detail is the whole text; with one, the name that is wrong (as Names.split had it).
        for (String text : new String[] {"team/app", "app", "", "00000000000/app", "000000000000/", "000000000000"}) {
            assertInvalid(text, assertThrows(RegistryException.class, () -> RepositoryName.parse(text), text));
        }
        assertInvalid("Team/app", assertThrows(RegistryException.class,
                () -> RepositoryName.parse("000000000000/Team/app")));
        assertInvalid(null, assertThrows(RegistryException.class, () -> RepositoryName.parse(null)));
    }

    private static void assertInvalid(String detail, RegistryException e) {
        assertEquals(Problem.NAME_INVALID, e.problem());
        assertEquals("invalid repository name", e.getMessage());
        assertEquals(detail, e.detail());
    }
}
