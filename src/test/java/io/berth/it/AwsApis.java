package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.iam.IamClient;

/** Berth's AWS APIs as the tests reach them: the AWS SDK's clients, and the IAM Query API over plain HTTP. */
final class AwsApis {

    record Key(String id, String secret) {
    }

    private AwsApis() {
    }

    static IamClient iam(String base, Key key) {
        return IamClient.builder().endpointOverride(URI.create(base)).region(Region.US_EAST_1)
                .credentialsProvider(credentials(key)).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    static EcrClient ecr(String base, Key key) {
        return EcrClient.builder().endpointOverride(URI.create(base)).region(Region.US_EAST_1)
                .credentialsProvider(credentials(key)).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static StaticCredentialsProvider credentials(Key key) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.id(), key.secret()));
    }

    /** The environment that makes the AWS CLI sign with this key, and read no configuration of the machine. */
    static Map<String, String> cliEnvironment(Key key) {
        return Map.of("AWS_ACCESS_KEY_ID", key.id(), "AWS_SECRET_ACCESS_KEY", key.secret(),
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_EC2_METADATA_DISABLED", "true", "AWS_PAGER", "",
                "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    }

    /** Each server's administrator key, made once per test run: a user may have only two. */
    private static final Map<String, Key> ADMIN_KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /** An access key of the bootstrap administrator of the server at {@code base}. */
    static Key adminKey(String base) {
        return ADMIN_KEYS.computeIfAbsent(base, b -> createKey(b, "admin", RegistryHttp.ADMIN_PASSWORD));
    }

    /** An IAM Query call signed with an access key (SigV4, service iam), as the AWS CLI sends it. */
    static HttpResponse<String> iamSigned(String base, Key key, String... params) {
        return sendSigned(base, key, "iam", Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                iamForm(params).getBytes(StandardCharsets.UTF_8));
    }

    /** An IAM Query body: name, value pairs, form-encoded, with the API version. */
    private static String iamForm(String... params) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            form.put(params[i], params[i + 1]);
        }
        form.putIfAbsent("Version", "2010-05-08");
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }

    /** POST / signed with SigV4 in the Authorization header by the AWS SDK's own signer. */
    static HttpResponse<String> sendSigned(String base, Key key, String service, Map<String, String> headers,
                                           byte[] body) {
        URI uri = URI.create(base + "/");
        SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(uri);
        headers.forEach(unsigned::putHeader);
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(key.id(), key.secret()))
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) { // the client sends the same Host itself
                values.forEach(value -> request.header(name, value));
            }
        });
        try {
            return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * An IAM Query call with a user's password (HTTP Basic). Berth takes a password on {@code POST /} only for a
     * user's own CreateAccessKey (the bootstrap of the first key); the tests use it to show that and the refusals.
     */
    static HttpResponse<String> iamWithPassword(String base, String user, String password, String... params) {
        return iamWithPassword(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), base, user,
                password, params);
    }

    /** The same with a client of the caller's, such as one that trusts a test certificate. */
    static HttpResponse<String> iamWithPassword(HttpClient http, String base, String user, String password,
                                                String... params) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", RegistryHttp.basic(user, password))
                .POST(HttpRequest.BodyPublishers.ofString(iamForm(params))).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A login token's password from GetAuthorizationToken, signed with the key, as get-login-password does. */
    static String loginPassword(String base, Key key) {
        HttpResponse<String> response = sendSigned(base, key, "ecr", Map.of(
                "Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response.body());
        String token = RegistryHttp.json(response.body()).getJsonArray("authorizationData").getJsonObject(0)
                .getString("authorizationToken");
        return new String(java.util.Base64.getDecoder().decode(token), StandardCharsets.UTF_8).substring(4);
    }

    /** Creates an access key for a user, signing in with its password. */
    static Key createKey(String base, String user, String password) {
        return createKey(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), base, user, password);
    }

    static Key createKey(HttpClient http, String base, String user, String password) {
        HttpResponse<String> created = iamWithPassword(http, base, user, password, "Action", "CreateAccessKey");
        assertEquals(200, created.statusCode(), created.body());
        return new Key(element(created.body(), "AccessKeyId"), element(created.body(), "SecretAccessKey"));
    }

    static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        if (!m.find()) {
            throw new AssertionError("no <" + name + "> in " + xml);
        }
        return m.group(1);
    }
}
