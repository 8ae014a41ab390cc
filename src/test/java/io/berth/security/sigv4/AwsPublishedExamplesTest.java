package io.berth.security.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The worked examples AWS publishes: the SigV4 test suite's get-vanilla cases and the IAM ListUsers example
 * (key AKIDEXAMPLE, 2015-08-30T12:36:00Z), and S3's presigned GET of examplebucket/test.txt.
 */
class AwsPublishedExamplesTest {

    static final Instant AT = Instant.parse("2015-08-30T12:36:00Z");
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final Function<String, Optional<String>> KEYS =
            id -> id.equals("AKIDEXAMPLE") ? Optional.of(SECRET) : Optional.empty();

    static Verified verify(SignedRequest request, String service) {
        return new SigV4Verifier("us-east-1", Clock.fixed(AT, ZoneOffset.UTC)).verify(request, Set.of(service), KEYS);
    }

    static SignedRequest get(String rawQuery, String host, String signedHeaders, String signature,
            Map<String, List<String>> extraHeaders) {
        Map<String, List<String>> headers = new java.util.HashMap<>(extraHeaders);
        headers.put("Host", List.of(host));
        headers.put("X-Amz-Date", List.of("20150830T123600Z"));
        headers.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/"
                + (host.startsWith("iam") ? "iam" : "service") + "/aws4_request, SignedHeaders=" + signedHeaders
                + ", Signature=" + signature));
        return new SignedRequest("GET", "/", rawQuery, headers, null);
    }

    @Test
    void getVanilla() {
        SignedRequest request = get(null, "example.amazonaws.com", "host;x-amz-date",
                "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", Map.of());
        assertEquals(new Verified("AKIDEXAMPLE", "service", "us-east-1"), verify(request, "service"));
        SigV4Exception e = assertThrows(SigV4Exception.class, () -> verify(
                AwsSdkSigner.withHeader(request, "Host", "example.amazonaws.com:443"), "service"));
        assertEquals("SignatureDoesNotMatch", e.code());
    }

    @Test
    void getVanillaQueryOrderKeyCase() {
        SignedRequest request = get("Param2=value2&Param1=value1", "example.amazonaws.com", "host;x-amz-date",
                "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", Map.of());
        verify(request, "service");
        assertThrows(SigV4Exception.class,
                () -> verify(AwsSdkSigner.withQuery(request, "param2=value2&Param1=value1"), "service"));
    }

    @Test
    void iamListUsers() {
        SignedRequest request = get("Action=ListUsers&Version=2010-05-08", "iam.amazonaws.com",
                "content-type;host;x-amz-date", "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8")));
        assertEquals(new Verified("AKIDEXAMPLE", "iam", "us-east-1"), verify(request, "iam"));
        // The example has no body; with one, its hash is another payload hash.
        SigV4Exception e = assertThrows(SigV4Exception.class,
                () -> verify(AwsSdkSigner.withBody(request, new byte[] {'x'}), "iam"));
        assertEquals("SignatureDoesNotMatch", e.code());
    }

    @Test
    void iamSigningKey() {
        assertEquals("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
                HexFormat.of().formatHex(Signing.signingKey(SECRET, "20150830", "us-east-1", "iam")));
    }

    @Test
    void s3PresignedGetObject() {
        String query = SigV4Verifier.presign("GET", "examplebucket.s3.amazonaws.com", "/test.txt", Map.of(),
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3",
                Instant.parse("2013-05-24T00:00:00Z"), Duration.ofDays(1));
        assertEquals("X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", query);

        SignedRequest request = new SignedRequest("GET", "/test.txt", query,
                Map.of("Host", List.of("examplebucket.s3.amazonaws.com")), null);
        Verified verified = new SigV4Verifier("us-east-1",
                Clock.fixed(Instant.parse("2013-05-24T23:59:59Z"), ZoneOffset.UTC))
                .verify(request, Set.of("s3"), id -> Optional.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assertEquals(new Verified("AKIAIOSFODNN7EXAMPLE", "s3", "us-east-1"), verified);
    }
}
