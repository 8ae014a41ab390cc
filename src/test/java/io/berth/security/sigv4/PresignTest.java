package io.berth.security.sigv4;

import static io.berth.security.sigv4.AwsSdkSigner.ACCESS_KEY_ID;
import static io.berth.security.sigv4.AwsSdkSigner.REGION;
import static io.berth.security.sigv4.AwsSdkSigner.SECRET;
import static io.berth.security.sigv4.AwsSdkSigner.SIGNED_AT;
import static io.berth.security.sigv4.AwsSdkSigner.withBody;
import static io.berth.security.sigv4.AwsSdkSigner.withHeader;
import static io.berth.security.sigv4.AwsSdkSigner.withPath;
import static io.berth.security.sigv4.AwsSdkSigner.withQuery;
import static io.berth.security.sigv4.SigV4VerifierTest.ECR_AND_IAM;
import static io.berth.security.sigv4.SigV4VerifierTest.KEYS;
import static io.berth.security.sigv4.SigV4VerifierTest.verifierAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Presigned query-string requests: Berth's own presign round trip, and the AWS SDK's presigner. */
class PresignTest {

    static final String HOST = "127.0.0.1:5000";
    static final String PATH =
            "/v2/team/app/blobs/sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    static SignedRequest presigned(Duration expires) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("layerDigest", "sha256:9f86");
        extra.put("note", "a b/c");
        String query = SigV4Verifier.presign("GET", HOST, PATH, extra, ACCESS_KEY_ID, SECRET, REGION, "ecr",
                SIGNED_AT, expires);
        return new SignedRequest("GET", PATH, query, Map.of("Host", List.of(HOST)), null);
    }

    static SigV4Exception refusedAt(Instant now, SignedRequest request) {
        return assertThrows(SigV4Exception.class, () -> verifierAt(now).verify(request, ECR_AND_IAM, KEYS));
    }

    @Test
    void aPresignedUrlVerifiesUntilItExpires() {
        SignedRequest request = presigned(TEN_MINUTES);
        assertTrue(request.rawQuery().contains("X-Amz-Expires=600&"), request.rawQuery());
        assertTrue(request.rawQuery().contains("note=a%20b%2Fc"), request.rawQuery());
        assertEquals(new Verified(ACCESS_KEY_ID, "ecr", REGION),
                verifierAt(SIGNED_AT).verify(request, ECR_AND_IAM, KEYS));
        verifierAt(SIGNED_AT.plus(TEN_MINUTES)).verify(request, ECR_AND_IAM, KEYS);
        assertEquals("RequestExpired", refusedAt(SIGNED_AT.plus(TEN_MINUTES).plusSeconds(1), request).code());
        assertEquals("RequestExpired", refusedAt(SIGNED_AT.plus(Duration.ofDays(1)), request).code());
    }

    @Test
    void aPresignedUrlFromTheFutureIsRefused() {
        SignedRequest request = presigned(TEN_MINUTES);
        verifierAt(SIGNED_AT.minus(Duration.ofMinutes(15))).verify(request, ECR_AND_IAM, KEYS);
        assertEquals("RequestExpired", refusedAt(SIGNED_AT.minus(Duration.ofMinutes(16)), request).code());
    }

    @Test
    void aWeekLongPresignedUrlLastsAWeek() {
        SignedRequest request = presigned(Duration.ofDays(7));
        verifierAt(SIGNED_AT.plus(Duration.ofDays(7))).verify(request, ECR_AND_IAM, KEYS);
        assertEquals("RequestExpired", refusedAt(SIGNED_AT.plus(Duration.ofDays(7)).plusSeconds(1), request).code());
    }

    @Test
    void aTamperedPresignedUrlDoesNotMatch() {
        SignedRequest request = presigned(TEN_MINUTES);
        String query = request.rawQuery();
        for (SignedRequest tampered : List.of(
                withPath(request, PATH.replace("team", "other")),
                withQuery(request, query.replace("layerDigest=sha256%3A9f86", "layerDigest=sha256%3A0000")),
                withQuery(request, query + "&extra=1"),
                withQuery(request, query.replace("X-Amz-Expires=600", "X-Amz-Expires=6000")),
                withQuery(request, query.replace("X-Amz-Date=20261128T101530Z", "X-Amz-Date=20261128T101531Z")),
                withHeader(request, "Host", "berth.example.com"),
                new SignedRequest("DELETE", PATH, query, request.headers(), null))) {
            SigV4Exception e = assertThrows(SigV4Exception.class,
                    () -> verifierAt(SIGNED_AT).verify(tampered, ECR_AND_IAM, KEYS));
            assertEquals("SignatureDoesNotMatch", e.code(), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Signature"})
    void aPresignedUrlWithoutOneOfItsPartsIsAnIncompleteSignature(String parameter) {
        SignedRequest request = presigned(TEN_MINUTES);
        String query = request.rawQuery().replaceAll("(^|&)" + parameter + "=[^&]*", "");
        assertEquals("IncompleteSignature", refusedAt(SIGNED_AT, withQuery(request, query)).code());
    }

    @Test
    void malformedPresignedParametersAreIncompleteSignatures() {
        SignedRequest request = presigned(TEN_MINUTES);
        String query = request.rawQuery();
        for (String bad : List.of(
                query.replace("X-Amz-Expires=600", "X-Amz-Expires=604801"),
                query.replace("X-Amz-Expires=600", "X-Amz-Expires=0"),
                query.replace("X-Amz-Expires=600", "X-Amz-Expires=-5"),
                query.replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date"),
                query.replace("X-Amz-Date=20261128T101530Z", "X-Amz-Date=yesterday"),
                query.replace("aws4_request", "aws5_request"),
                query + "&X-Amz-Date=20261128T101530Z")) {
            SigV4Exception e = refusedAt(SIGNED_AT, withQuery(request, bad));
            assertEquals("IncompleteSignature", e.code(), bad);
        }
    }

    @Test
    void anotherAlgorithmInTheQueryIsAMissingAuthenticationToken() {
        SignedRequest request = presigned(TEN_MINUTES);
        String query = request.rawQuery().replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256");
        assertEquals("MissingAuthenticationToken", refusedAt(SIGNED_AT, withQuery(request, query)).code());
    }

    @Test
    void aPresignedUrlWithASigV4AuthorizationHeaderTooIsRefused() {
        SignedRequest request = presigned(TEN_MINUTES);
        String header = AwsSdkSigner.authorization(AwsSdkSigner.signedEcr());
        assertEquals("IncompleteSignature", refusedAt(SIGNED_AT, withHeader(request, "Authorization", header)).code());
        // Another scheme's credentials (a client forwarding them on a redirect) do not get in the way.
        verifierAt(SIGNED_AT).verify(withHeader(request, "Authorization", "Basic QUtJRDpzZWNyZXQ="), ECR_AND_IAM,
                KEYS);
    }

    @Test
    void presignRefusesExpiriesOutsideOneSecondToAWeekAndReservedParameters() {
        for (Duration expires : List.of(Duration.ZERO, Duration.ofDays(7).plusSeconds(1), Duration.ofMillis(1500))) {
            assertThrows(IllegalArgumentException.class, () -> presigned(expires), expires.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> SigV4Verifier.presign("GET", HOST, PATH,
                Map.of("X-Amz-Signature", "0"), ACCESS_KEY_ID, SECRET, REGION, "ecr", SIGNED_AT, TEN_MINUTES));
    }

    @Test
    void aGetPresignedByTheSdkVerifies() {
        SignedRequest request = AwsSdkSigner.presign(AwsSdkSigner.getRequest(PATH)
                .putRawQueryParameter("layerDigest", "sha256:9f86").build(), null, "ecr", TEN_MINUTES);
        assertTrue(request.header("Authorization").isEmpty());
        assertTrue(request.rawQuery().contains("X-Amz-Signature="), request.rawQuery());
        verifierAt(SIGNED_AT.plusSeconds(1)).verify(request, ECR_AND_IAM, KEYS);
        assertEquals("RequestExpired", refusedAt(SIGNED_AT.plus(TEN_MINUTES).plusSeconds(1), request).code());
        assertEquals("SignatureDoesNotMatch", refusedAt(SIGNED_AT,
                withPath(request, PATH.replace("team", "other"))).code());
    }

    @Test
    void aPostPresignedByTheSdkCoversItsBody() {
        SignedRequest request = AwsSdkSigner.presign(AwsSdkSigner.ecrRequest().build(), AwsSdkSigner.ECR_BODY, "ecr",
                TEN_MINUTES);
        verifierAt(SIGNED_AT).verify(request, ECR_AND_IAM, KEYS);
        assertEquals("SignatureDoesNotMatch", refusedAt(SIGNED_AT,
                withBody(request, "{}".getBytes(StandardCharsets.UTF_8))).code());
    }
}
