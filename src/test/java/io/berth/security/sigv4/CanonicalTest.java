package io.berth.security.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The canonical forms, spelled out. The expected values follow AWS SDK for Java v2's V4CanonicalRequest (normalize
 * the path with java.net.URI, then encode it again); SigV4VerifierTest checks the same paths against its signatures.
 */
class CanonicalTest {

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
        "/ /",
        "/a%20b/c%2Fd /a%2520b/c%252Fd",
        "/x/./y/../z /x/z",
        "/x/y/. /x/y",
        "/x/y/.. /x",
        "/x/y/./ /x/y/",
        "/a//b/ /a/b/",
        "//lead /lead",
        "/.. /..",
        "/../up /../up",
        "/a/../../b /../b",
        "/../../x/.. /../..",
        "/v2/a/blobs/sha256:ab /v2/a/blobs/sha256%3Aab",
        "/%7Euser/~me /%257Euser/~me",
        "/a+b /a%2Bb",
    })
    void theCanonicalUriIsTheNormalizedPathEncodedAgain(String rawPath, String canonical) {
        assertEquals(canonical, Canonical.uri(rawPath));
    }

    @Test
    void anEmptyOrMissingPathIsTheRoot() {
        assertEquals("/", Canonical.uri(""));
        assertEquals("/", Canonical.uri(null));
        assertEquals("/%C3%A9", Canonical.uri("/é"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
        "b=2&a=1&A=0 A=0&a=1&b=2",
        "a=2&a=1&a=10 a=1&a=10&a=2",
        "flag&x= flag=&x=",
        "x=a+b x=a%2Bb",
        "x=%7e%2a%2D x=~%2A-",
        "x=%e2%82%ac x=%E2%82%AC",
        "=v&k=v k=v",
        "x=%zz&y=% x=%25zz&y=%25",
        "a=1&&b=2 a=1&b=2",
        "k=v=w k=v%3Dw",
    })
    void theCanonicalQueryIsSortedAndEncodedTheRfc3986Way(String rawQuery, String canonical) {
        assertEquals(canonical, Canonical.query(QueryParameter.parse(rawQuery), false));
    }

    @Test
    void aPresignedQueryLeavesOutItsSignatureOnly() {
        List<QueryParameter> query = QueryParameter.parse("X-Amz-Signature=abc&X-Amz-Date=1&b=2");
        assertEquals("X-Amz-Date=1&b=2", Canonical.query(query, true));
        assertEquals("X-Amz-Date=1&X-Amz-Signature=abc&b=2", Canonical.query(query, false));
        assertEquals("", Canonical.query(QueryParameter.parse(null), false));
    }

    @Test
    void headerValuesAreTrimmedCollapsedAndJoined() {
        assertEquals("a b c", Canonical.headerValue(List.of("  a   b\t\tc  ")));
        assertEquals("1,2", Canonical.headerValue(List.of("1", " 2 ")));
        assertEquals("", Canonical.headerValue(List.of("")));
        assertEquals(",x", Canonical.headerValue(List.of("  ", "x")));
    }
}
