package io.berth.security.sigv4;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The test oracle: requests signed by the real AWS SDK for Java v2 signer, turned into what Berth receives. */
final class AwsSdkSigner {

    static final String ACCESS_KEY_ID = "AKIABERTHTEST0000001";
    static final String SECRET = "berth/Secret+Key/For+Tests/0123456789abcd";
    static final String REGION = "us-east-1";
    static final Instant SIGNED_AT = Instant.parse("2026-11-28T10:15:30Z");

    static final String ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
    static final byte[] ECR_BODY = "{\"registryIds\":[\"123456789012\"]}".getBytes(StandardCharsets.UTF_8);
    static final byte[] IAM_BODY = "Action=CreateUser&UserName=bob&Version=2010-05-08".getBytes(StandardCharsets.UTF_8);

    private AwsSdkSigner() {
    }

    /** POST https://127.0.0.1:5000/ as the ECR client sends GetAuthorizationToken. */
    static SdkHttpFullRequest.Builder ecrRequest() {
        return SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("https").host("127.0.0.1").port(5000)
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", ECR_TARGET);
    }

    /** POST https://127.0.0.1:5000/ as the IAM client sends CreateUser (Query protocol, form-encoded). */
    static SdkHttpFullRequest.Builder iamRequest() {
        return SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).protocol("https").host("127.0.0.1").port(5000)
                .encodedPath("/")
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    }

    static SdkHttpFullRequest.Builder getRequest(String encodedPath) {
        return SdkHttpFullRequest.builder().method(SdkHttpMethod.GET).protocol("https").host("127.0.0.1").port(5000)
                .encodedPath(encodedPath);
    }

    static SignedRequest signedEcr() {
        return sign(ecrRequest().build(), ECR_BODY, "ecr");
    }

    static SignedRequest sign(SdkHttpFullRequest request, byte[] body, String service) {
        return sign(request, body, service, SECRET, builder -> {
        });
    }

    /** Signs in the Authorization header, as SDK clients do, at {@link #SIGNED_AT}; body may be null. */
    static SignedRequest sign(SdkHttpFullRequest request, byte[] body, String service, String secret,
            Consumer<SignRequest.Builder<AwsCredentialsIdentity>> extra) {
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(ACCESS_KEY_ID, secret))
                    .request(request)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(SIGNED_AT, ZoneOffset.UTC));
            if (body != null) {
                r.payload(ContentStreamProvider.fromByteArray(body));
            }
            extra.accept(r);
        }).request();
        return received(signed, body);
    }

    /** Presigns in the query string with the SDK's own presigner. */
    static SignedRequest presign(SdkHttpFullRequest request, byte[] body, String service, Duration expires) {
        return sign(request, body, service, SECRET, r -> r
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, expires));
    }

    /** What the server gets for a request the SDK sends: method, path and query as on the wire, headers, body. */
    static SignedRequest received(SdkHttpRequest signed, byte[] body) {
        return new SignedRequest(signed.method().name(), signed.encodedPath(), signed.getUri().getRawQuery(),
                signed.headers(), body);
    }

    static SignedRequest withHeader(SignedRequest request, String name, String... values) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        headers.remove(name);
        if (values.length > 0) {
            headers.put(name, List.of(values));
        }
        return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body());
    }

    static SignedRequest withBody(SignedRequest request, byte[] body) {
        return new SignedRequest(request.method(), request.rawPath(), request.rawQuery(), request.headers(), body);
    }

    static SignedRequest withPath(SignedRequest request, String rawPath) {
        return new SignedRequest(request.method(), rawPath, request.rawQuery(), request.headers(), request.body());
    }

    static SignedRequest withQuery(SignedRequest request, String rawQuery) {
        return new SignedRequest(request.method(), request.rawPath(), rawQuery, request.headers(), request.body());
    }

    static String authorization(SignedRequest request) {
        return request.header("Authorization").get(0);
    }
}
