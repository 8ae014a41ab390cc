package io.berth.security.sigv4;

import static io.berth.security.sigv4.AwsSdkSigner.ACCESS_KEY_ID;
import static io.berth.security.sigv4.AwsSdkSigner.ECR_BODY;
import static io.berth.security.sigv4.AwsSdkSigner.ECR_TARGET;
import static io.berth.security.sigv4.AwsSdkSigner.IAM_BODY;
import static io.berth.security.sigv4.AwsSdkSigner.REGION;
import static io.berth.security.sigv4.AwsSdkSigner.SECRET;
import static io.berth.security.sigv4.AwsSdkSigner.SIGNED_AT;
import static io.berth.security.sigv4.AwsSdkSigner.authorization;
import static io.berth.security.sigv4.AwsSdkSigner.signedEcr;
import static io.berth.security.sigv4.AwsSdkSigner.withBody;
import static io.berth.security.sigv4.AwsSdkSigner.withHeader;
import static io.berth.security.sigv4.AwsSdkSigner.withPath;
import static io.berth.security.sigv4.AwsSdkSigner.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;

/** Header signatures made by the real AWS SDK for Java v2 signer, verified (or refused) by SigV4Verifier. */
class SigV4VerifierTest {

    static final Set<String> ECR_AND_IAM = Set.of("ecr", "iam");
    static final Function<String, Optional<String>> KEYS =
            id -> ACCESS_KEY_ID.equals(id) ? Optional.of(SECRET) : Optional.empty();

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(REGION, Clock.fixed(now, ZoneOffset.UTC));
    }

    static Verified verify(SignedRequest request) {
        return verifierAt(SIGNED_AT.plusSeconds(3)).verify(request, ECR_AND_IAM, KEYS);
    }

    static SigV4Exception refused(String code, SignedRequest request) {
        SigV4Exception e = assertThrows(SigV4Exception.class, () -> verify(request));
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void anEcrJsonRequestSignedByTheSdkVerifies() {
        SignedRequest request = signedEcr();
        assertTrue(authorization(request).contains("/ecr/aws4_request"));
        assertEquals(new Verified(ACCESS_KEY_ID, "ecr", REGION), verify(request));
    }

    @Test
    void anIamFormRequestSignedByTheSdkVerifies() {
        SignedRequest request = AwsSdkSigner.sign(AwsSdkSigner.iamRequest().build(), IAM_BODY, "iam");
        assertEquals(new Verified(ACCESS_KEY_ID, "iam", REGION), verify(request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a%20b/c%2Fd", "/x/./y/../z", "/x/y/.", "/x/y/..", "/trailing/", "/a//b", "//lead",
        "/../up", "/a/../../b", "/../../x/..", "/v2/team/app/blobs/sha256:0123abcd", "/%E1%88%B4", "/a-b_c.d~e",
        "/sub!$&'()*+,;=@:", "/percent%25sign", "/%7Euser", "/a/%2E%2E/b", "/x/y/./"})
    void aGetWithAQueryAndSpecialCharactersInThePathVerifies(String rawPath) {
        SdkHttpFullRequest request = AwsSdkSigner.getRequest(rawPath)
                .putRawQueryParameter("repositoryName", "team/app")
                .putRawQueryParameter("filter", "a b+c*d~e")
                .putRawQueryParameter("empty", "")
                .build();
        SignedRequest signed = AwsSdkSigner.sign(request, null, "ecr");
        assertEquals(rawPath, signed.rawPath());
        assertEquals("ecr", verify(signed).service());
    }

    @Test
    void aPathWithASpaceAndAnEncodedSlashIsSignedDoubleEncoded() {
        SignedRequest signed = AwsSdkSigner.sign(AwsSdkSigner.getRequest("/a%20b/c%2Fd").build(), null, "ecr");
        verify(signed);
        // The same characters decoded or encoded differently are another path.
        refused("SignatureDoesNotMatch", withPath(signed, "/a%20b/c/d"));
        refused("SignatureDoesNotMatch", withPath(signed, "/a+b/c%2Fd"));
        refused("SignatureDoesNotMatch", withPath(signed, "/a%2520b/c%252Fd"));
    }

    @Test
    void queryParametersAreSortedAndEncodedLikeTheSdk() {
        SdkHttpFullRequest request = AwsSdkSigner.getRequest("/")
                .putRawQueryParameter("b", "x y")
                .putRawQueryParameter("a", List.of("2", "1", "10"))
                .putRawQueryParameter("A", "upper")
                .putRawQueryParameter("slash", "a/b")
                .putRawQueryParameter("reserved", "!'()*+,;=:@&?#[]$")
                .putRawQueryParameter("unicode", "é ሴ")
                .putRawQueryParameter("unreserved", "-_.~")
                .putRawQueryParameter("flag", "")
                .build();
        SignedRequest signed = AwsSdkSigner.sign(request, null, "ecr");
        verify(signed);

        // The order on the wire does not matter, the encoding of unreserved characters neither.
        List<String> pairs = new ArrayList<>(List.of(signed.rawQuery().split("&")));
        Collections.reverse(pairs);
        String reordered = String.join("&", pairs);
        verify(withQuery(signed, reordered));
        verify(withQuery(signed, signed.rawQuery().replace("-_.~", "%2D%5F%2E%7E")));

        refused("SignatureDoesNotMatch", withQuery(signed, signed.rawQuery().replace("x%20y", "x%20z")));
        refused("SignatureDoesNotMatch", withQuery(signed, signed.rawQuery() + "&extra=1"));
        refused("SignatureDoesNotMatch", withQuery(signed, null));
    }

    @Test
    void aTamperedBodyDoesNotMatch() {
        SignedRequest signed = signedEcr();
        byte[] tampered = "{\"registryIds\":[\"999999999999\"]}".getBytes(StandardCharsets.UTF_8);
        refused("SignatureDoesNotMatch", withBody(signed, tampered));
        // Declaring the tampered body's hash does not help: the declared hash is signed.
        refused("SignatureDoesNotMatch", withHeader(withBody(signed, tampered), "x-amz-content-sha256",
                Signing.sha256Hex(tampered)));
        refused("SignatureDoesNotMatch", withBody(signed, null));
    }

    @Test
    void aTamperedSignedHeaderDoesNotMatch() {
        SignedRequest signed = signedEcr();
        refused("SignatureDoesNotMatch",
                withHeader(signed, "X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DeleteRepository"));
        refused("SignatureDoesNotMatch", withHeader(signed, "Host", "127.0.0.1:5001"));
        refused("SignatureDoesNotMatch", withHeader(signed, "Content-Type", "application/json"));
    }

    @Test
    void aSignedHeaderMissingFromTheRequestDoesNotMatch() {
        SigV4Exception e = refused("SignatureDoesNotMatch", withHeader(signedEcr(), "X-Amz-Target"));
        assertTrue(e.getMessage().contains("x-amz-target"), e.getMessage());
    }

    @Test
    void unsignedHeadersMayBeAddedOrChanged() {
        SignedRequest signed = withHeader(signedEcr(), "User-Agent", "aws-sdk-java/2.57.8");
        verify(signed);
        verify(withHeader(signed, "X-Forwarded-For", "10.0.0.1"));
    }

    @Test
    void headerNamesAreMatchedWhateverTheirCase() {
        SignedRequest signed = signedEcr();
        Map<String, List<String>> upper = new LinkedHashMap<>();
        signed.headers().forEach((name, values) -> upper.put(name.toUpperCase(Locale.ROOT), values));
        verify(new SignedRequest(signed.method(), signed.rawPath(), signed.rawQuery(), upper, signed.body()));
    }

    @Test
    void headerValuesAreTrimmedAndInnerWhiteSpaceCollapsed() {
        SignedRequest signed = AwsSdkSigner.sign(
                AwsSdkSigner.ecrRequest().putHeader("X-Berth-Note", "a   b\tc").build(), ECR_BODY, "ecr");
        verify(signed);
        verify(withHeader(signed, "X-Berth-Note", "  a b    c "));
        refused("SignatureDoesNotMatch", withHeader(signed, "X-Berth-Note", "a bc"));
    }

    @Test
    void theValuesOfARepeatedHeaderAreJoinedWithCommas() {
        SignedRequest signed = AwsSdkSigner.sign(
                AwsSdkSigner.ecrRequest().putHeader("X-Berth-Multi", List.of("one", "two")).build(), ECR_BODY, "ecr");
        verify(signed);
        verify(withHeader(signed, "X-Berth-Multi", "one,two"));
        refused("SignatureDoesNotMatch", withHeader(signed, "X-Berth-Multi", "two", "one"));
    }

    @Test
    void aWrongSecretDoesNotMatchAndTheMessageRevealsNothing() {
        String wrongSecret = "not/the/right/secret/key/0000000000000000";
        SignedRequest signed = AwsSdkSigner.sign(AwsSdkSigner.ecrRequest().build(), ECR_BODY, "ecr", wrongSecret,
                r -> {
                });
        SigV4Exception e = refused("SignatureDoesNotMatch", signed);
        String expectedSignature = authorization(signedEcr()).replaceAll(".*Signature=", "");
        assertEquals(64, expectedSignature.length());
        for (String secretText : List.of(SECRET, wrongSecret, expectedSignature, "AWS4" + SECRET)) {
            assertFalse(e.getMessage().contains(secretText), e.getMessage());
            assertFalse(e.toString().contains(secretText), e.toString());
        }
    }

    @Test
    void anUnknownAccessKeyIsAnInvalidClientTokenId() {
        SignedRequest signed = signedEcr();
        SigV4Exception e = assertThrows(SigV4Exception.class, () -> verifierAt(SIGNED_AT)
                .verify(signed, ECR_AND_IAM, id -> Optional.empty()));
        assertEquals("InvalidClientTokenId", e.code());
        assertThrows(SigV4Exception.class, () -> verifierAt(SIGNED_AT)
                .verify(signed, ECR_AND_IAM, id -> id.equals("AKIAOTHER") ? Optional.of(SECRET) : Optional.empty()));
    }

    @Test
    void aServiceNotAcceptedDoesNotMatch() {
        SigV4Exception e = assertThrows(SigV4Exception.class, () -> verifierAt(SIGNED_AT)
                .verify(signedEcr(), Set.of("iam"), KEYS));
        assertEquals("SignatureDoesNotMatch", e.code());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("credential should be scoped to correct service"),
                e.getMessage());
    }

    @Test
    void anotherRegionDoesNotMatch() {
        SigV4Exception e = assertThrows(SigV4Exception.class,
                () -> new SigV4Verifier("eu-west-1", Clock.fixed(SIGNED_AT, ZoneOffset.UTC))
                        .verify(signedEcr(), ECR_AND_IAM, KEYS));
        assertEquals("SignatureDoesNotMatch", e.code());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("credential should be scoped to a valid region"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {-16, 16, -60 * 24, 60 * 24 * 365})
    void aRequestMoreThanFifteenMinutesFromTheClockHasExpired(long minutes) {
        SigV4Verifier verifier = verifierAt(SIGNED_AT.plus(Duration.ofMinutes(minutes)));
        SigV4Exception e = assertThrows(SigV4Exception.class, () -> verifier.verify(signedEcr(), ECR_AND_IAM, KEYS));
        assertEquals("RequestExpired", e.code());
    }

    @ParameterizedTest
    @ValueSource(longs = {-15, -14, 0, 14, 15})
    void aRequestWithinFifteenMinutesOfTheClockVerifies(long minutes) {
        verifierAt(SIGNED_AT.plus(Duration.ofMinutes(minutes))).verify(signedEcr(), ECR_AND_IAM, KEYS);
    }

    @Test
    void aScopeDateOtherThanTheRequestDateHasExpired() {
        SignedRequest signed = signedEcr();
        String otherDay = authorization(signed).replace("/20261128/", "/20261127/");
        refused("RequestExpired", withHeader(signed, "Authorization", otherDay));
    }

    @Test
    void noAuthorizationIsAMissingAuthenticationToken() {
        SignedRequest signed = signedEcr();
        refused("MissingAuthenticationToken", withHeader(signed, "Authorization"));
        refused("MissingAuthenticationToken", withHeader(signed, "Authorization", "Basic QUtJRDpzZWNyZXQ="));
        refused("MissingAuthenticationToken", withHeader(signed, "Authorization", "Bearer abc"));
        String sha512 = authorization(signed).replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
        refused("MissingAuthenticationToken", withHeader(signed, "Authorization", sha512));
    }

    static Stream<Arguments> garbledAuthorizations() {
        String good = authorization(signedEcr());
        String signature = good.replaceAll(".*Signature=", "");
        return Stream.of(
                Arguments.of("only the algorithm", "AWS4-HMAC-SHA256"),
                Arguments.of("garbage", "AWS4-HMAC-SHA256 garbage"),
                Arguments.of("no Signature", good.replaceAll(", Signature=.*", "")),
                Arguments.of("empty Signature", good.replaceAll("Signature=.*", "Signature=")),
                Arguments.of("no SignedHeaders", good.replaceAll("SignedHeaders=[^,]*, ", "")),
                Arguments.of("no Credential", good.replaceAll("Credential=[^,]*, ", "")),
                Arguments.of("unknown part", good + ", Extra=1"),
                Arguments.of("repeated part", good + ", Signature=" + signature),
                Arguments.of("scope without service", good.replace("/us-east-1/ecr/", "/us-east-1/")),
                Arguments.of("scope with a bad terminator", good.replace("aws4_request", "aws3_request")),
                Arguments.of("scope with a bad date", good.replace("/20261128/", "/2026-11-28/")),
                Arguments.of("host not signed", good.replace("host;", "")),
                Arguments.of("x-amz-date not signed", good.replace(";x-amz-date", "")),
                Arguments.of("empty signed header name", good.replace("host;", "host;;")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbledAuthorizations")
    void aGarbledAuthorizationIsAnIncompleteSignature(String what, String authorization) {
        refused("IncompleteSignature", withHeader(signedEcr(), "Authorization", authorization));
    }

    @Test
    void aMissingOrMalformedDateIsAnIncompleteSignature() {
        SignedRequest signed = signedEcr();
        refused("IncompleteSignature", withHeader(signed, "X-Amz-Date"));
        refused("IncompleteSignature", withHeader(signed, "X-Amz-Date", "2026-11-28T10:15:30Z"));
        refused("IncompleteSignature", withHeader(signed, "X-Amz-Date", "20261328T101530Z"));
        refused("IncompleteSignature", withHeader(signed, "X-Amz-Date", "20261128T101530Z", "20261128T101531Z"));
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        SignedRequest signed = signedEcr();
        refused("IncompleteSignature", withHeader(signed, "Authorization", authorization(signed),
                authorization(signed)));
    }

    @Test
    void aStreamingPayloadIsRefused() {
        refused("IncompleteSignature",
                withHeader(signedEcr(), "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
    }

    @Test
    void anUnsignedPayloadCoversOnlyAnEmptyBody() {
        SignedRequest signed = AwsSdkSigner.sign(AwsSdkSigner.ecrRequest().build(), ECR_BODY, "ecr", SECRET,
                r -> r.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false));
        assertEquals(List.of("UNSIGNED-PAYLOAD"), signed.header("x-amz-content-sha256"));
        // Whoever holds such a request could send any body with it: a body must be signed.
        refused("IncompleteSignature", signed);
        refused("IncompleteSignature", withBody(signed, "{}".getBytes(StandardCharsets.UTF_8)));
        verify(withBody(signed, new byte[0]));
        // ... and the declaration itself is signed.
        refused("SignatureDoesNotMatch", withHeader(withBody(signed, new byte[0]), "x-amz-content-sha256",
                Signing.sha256Hex(new byte[0])));
    }

    @Test
    void theHeadersThatChooseTheOperationMustBeSigned() {
        SignedRequest unsignedTarget = AwsSdkSigner.sign(AwsSdkSigner.ecrRequest().removeHeader("X-Amz-Target")
                .build(), ECR_BODY, "ecr");
        verify(unsignedTarget);
        refused("IncompleteSignature", withHeader(unsignedTarget, "X-Amz-Target", AwsSdkSigner.ECR_TARGET));
        SignedRequest unsignedType = AwsSdkSigner.sign(AwsSdkSigner.ecrRequest().removeHeader("Content-Type")
                .build(), ECR_BODY, "ecr");
        refused("IncompleteSignature", withHeader(unsignedType, "Content-Type", "application/x-amz-json-1.1"));
    }

    @Test
    void theDateHeaderStandsInWhenThereIsNoXAmzDate() {
        // Signed by hand (the SDK always sends X-Amz-Date): the string to sign carries the Date header's time in
        // ISO 8601 basic format.
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(SIGNED_AT.atZone(ZoneOffset.UTC));
        String canonicalRequest = "GET\n/\n\ndate:" + date + "\nhost:127.0.0.1:5000\n\ndate;host\n"
                + Signing.sha256Hex(new byte[0]);
        CredentialScope scope = new CredentialScope(ACCESS_KEY_ID, "20261128", REGION, "ecr");
        String stringToSign = "AWS4-HMAC-SHA256\n20261128T101530Z\n20261128/us-east-1/ecr/aws4_request\n"
                + Signing.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        String authorization = "AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/20261128/us-east-1/ecr/aws4_request,"
                + "SignedHeaders=date;host,Signature=" + Signing.signature(SECRET, scope, stringToSign);
        SignedRequest request = new SignedRequest("GET", "/", null, Map.of("Host", List.of("127.0.0.1:5000"),
                "Date", List.of(date), "Authorization", List.of(authorization)), null);
        verify(request);

        refused("SignatureDoesNotMatch", withHeader(request, "Date",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(SIGNED_AT.plusSeconds(1).atZone(ZoneOffset.UTC))));
        refused("IncompleteSignature", withHeader(request, "Date", "yesterday"));
        refused("IncompleteSignature",
                withHeader(request, "Authorization", authorization.replace("date;host", "host")));
        assertThrows(SigV4Exception.class, () -> verifierAt(SIGNED_AT.plus(Duration.ofMinutes(16)))
                .verify(request, ECR_AND_IAM, KEYS));
    }

    @Test
    void signedRequestMergesHeaderNamesThatDifferOnlyInCase() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Multi", List.of("1"));
        headers.put("x-multi", List.of("2"));
        SignedRequest request = new SignedRequest("GET", "/", null, headers, null);
        assertEquals(List.of("1", "2"), request.header("X-MULTI"));
        assertEquals(List.of(), request.header("absent"));
        assertEquals(0, request.body().length);
    }

    @Test
    void anEcrTargetIsPartOfTheSignature() {
        // Guards the fixture: the ECR request really carries and signs X-Amz-Target.
        SignedRequest signed = signedEcr();
        assertEquals(List.of(ECR_TARGET), signed.header("x-amz-target"));
        assertTrue(authorization(signed).contains("x-amz-target"), authorization(signed));
    }
}
