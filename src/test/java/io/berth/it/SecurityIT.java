package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.errorCode;
import static io.berth.it.RegistryHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.security.sigv4.SigV4Verifier;
import jakarta.json.JsonString;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecr.model.ImageTagMutabilityExclusionFilterType;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Attacks on Berth, one test each, and what stops them: the security review's findings (issue 11). The server runs
 * with {@code 127.0.0.9} as its one trusted proxy; other loopback addresses stand for other clients.
 */
@ExtendWith(ArquillianExtension.class)
class SecurityIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static final String BASE = ADMIN.base;
    private static final String A = "000000000000";
    private static final String TRUSTED_PROXY = "127.0.0.9";
    private static final String ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921.";

    private static AwsApis.Key adminKey;
    private static IamClient iam;
    private static EcrClient ecr;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    @BeforeAll
    static void clients() {
        adminKey = AwsApis.adminKey(BASE);
        iam = AwsApis.iam(BASE, adminKey);
        ecr = AwsApis.ecr(BASE, adminKey);
    }

    @AfterAll
    static void close() {
        iam.close();
        ecr.close();
    }

    private static String password(String user) {
        return "pw-" + user + "-2026";
    }

    /** A user with a password and, unless null, one inline policy; its access key when {@code withKey}. */
    private static AwsApis.Key user(String name, String policy, boolean withKey) {
        iam.createUser(r -> r.userName(name));
        iam.createLoginProfile(r -> r.userName(name).password(password(name)));
        if (policy != null) {
            iam.putUserPolicy(r -> r.userName(name).policyName("p").policyDocument(policy));
        }
        if (!withKey) {
            return null;
        }
        var key = iam.createAccessKey(r -> r.userName(name)).accessKey();
        return new AwsApis.Key(key.accessKeyId(), key.secretAccessKey());
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private static String allow(String actions, String resource) {
        return "{\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Resource\":\"" + resource + "\"}";
    }

    private static String repositories(String pattern) {
        return "arn:aws:ecr:us-east-1:" + A + ":repository/" + pattern;
    }

    /** An ECR JSON request with HTTP Basic credentials. */
    private static HttpResponse<String> ecrWithBasic(String user, String secret, String operation, String body) {
        return ADMIN.send("POST", "/", bytes(body), "Authorization", RegistryHttp.basic(user, secret),
                "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", ECR_TARGET + operation);
    }

    // ---- 1. a login token is a registry login, not an API credential

    @Test
    void aLoginTokenOpensTheRegistryButNotTheApis() {
        AwsApis.Key key = user("token-holder", policy(allow("\"ecr:*\"", "*")), true);
        String token = AwsApis.loginPassword(BASE, key);
        assertEquals(200, ADMIN.as("AWS", token).get("/v2/").statusCode());

        // Not even an administrator's token makes a key.
        String adminToken = AwsApis.loginPassword(BASE, adminKey);
        HttpResponse<String> newKey = AwsApis.iamWithPassword(BASE, "AWS", adminToken, "Action", "CreateAccessKey");
        assertEquals(403, newKey.statusCode(), newKey.body());
        assertFalse(newKey.body().contains("SecretAccessKey"), newKey.body());
        HttpResponse<String> ecrCall = ecrWithBasic("AWS", token, "DescribeRepositories", "{}");
        assertEquals(403, ecrCall.statusCode(), ecrCall.body());

        // A password over Basic bootstraps the caller's own first key, and does nothing else.
        HttpResponse<String> ownKey = AwsApis.iamWithPassword(BASE, "admin", RegistryHttp.ADMIN_PASSWORD,
                "Action", "ListAccessKeys");
        assertEquals(403, ownKey.statusCode(), ownKey.body());
        HttpResponse<String> otherUsersKey = AwsApis.iamWithPassword(BASE, "admin", RegistryHttp.ADMIN_PASSWORD,
                "Action", "CreateAccessKey", "UserName", "token-holder");
        assertEquals(403, otherUsersKey.statusCode(), otherUsersKey.body());
        assertEquals(403, AwsApis.iamWithPassword(BASE, "admin", RegistryHttp.ADMIN_PASSWORD,
                "Action", "CreateUser", "UserName", "made-with-a-password").statusCode());
        assertEquals(403, ecrWithBasic("admin", RegistryHttp.ADMIN_PASSWORD, "GetAuthorizationToken", "{}")
                .statusCode());

        // Deactivating the key that obtained a token revokes the token for good, even when the key comes back.
        String beforeDeactivation = AwsApis.loginPassword(BASE, key);
        iam.updateAccessKey(r -> r.userName("token-holder").accessKeyId(key.id()).status(StatusType.INACTIVE));
        iam.updateAccessKey(r -> r.userName("token-holder").accessKeyId(key.id()).status(StatusType.ACTIVE));
        assertEquals(401, ADMIN.as("AWS", beforeDeactivation).get("/v2/").statusCode());

        // A new password revokes every token of the user.
        String beforeNewPassword = AwsApis.loginPassword(BASE, key);
        assertEquals(200, ADMIN.as("AWS", beforeNewPassword).get("/v2/").statusCode());
        iam.updateLoginProfile(r -> r.userName("token-holder").password("a-new-password-2026"));
        assertEquals(401, ADMIN.as("AWS", beforeNewPassword).get("/v2/").statusCode());
    }

    // ---- 2. exclusion filters cannot make a push slow

    @Test
    void exclusionFiltersWithManyWildcardsAreRefusedAndTheRestMatchInLinearTime() {
        InvalidParameterException refused = assertThrows(InvalidParameterException.class, () ->
                ecr.createRepository(r -> r.repositoryName("sec/filters-refused")
                        .imageTagMutability(ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                        .imageTagMutabilityExclusionFilters(f -> f
                                .filterType(ImageTagMutabilityExclusionFilterType.WILDCARD).filter("*a*a*a*a*a*b"))));
        assertTrue(refused.getMessage().contains("'imageTagMutabilityExclusionFilters.1.member.filter'"),
                refused.getMessage());

        ecr.createRepository(r -> r.repositoryName("sec/filters").imageTagMutability(
                        ImageTagMutability.IMMUTABLE_WITH_EXCLUSION)
                .imageTagMutabilityExclusionFilters(f -> f
                        .filterType(ImageTagMutabilityExclusionFilterType.WILDCARD).filter("*a*a*a*b")));
        String tag = "a".repeat(128);
        assertEquals(201, ADMIN.putManifest("sec/filters", tag, OCI_MANIFEST,
                ADMIN.imageManifest("sec/filters", OCI_MANIFEST, "first")).statusCode());
        HttpResponse<String> moved = ADMIN.putManifest("sec/filters", tag, OCI_MANIFEST,
                ADMIN.imageManifest("sec/filters", OCI_MANIFEST, "second"));
        assertEquals(400, moved.statusCode());
        assertEquals("TAG_INVALID", errorCode(moved));
    }

    // ---- 3. unauthenticated callers cannot make the server hold memory

    @Test
    void aForgedSignatureIsRefusedBeforeItsBodyIsRead() {
        String date = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(Instant.now());
        // The body is promised (50 MB) and never sent: the answer must not wait for it.
        RawHttp.Reply forged = RawHttp.send("127.0.0.1", "POST", "/", null, 10_000,
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIANOSUCHKEY0000000/" + date.substring(0, 8)
                        + "/us-east-1/ecr/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
                        + "0".repeat(64),
                "X-Amz-Date", date, "X-Amz-Target", ECR_TARGET + "DescribeRepositories",
                "Content-Type", "application/x-amz-json-1.1", "Content-Length", "50000000");
        assertEquals(403, forged.status(), forged.body());
        assertEquals("UnrecognizedClientException", json(forged.body()).getString("__type"));

        // A real key, but more body than the operation can take: refused before reading too.
        byte[] big = new byte[2 * 1024 * 1024];
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(adminKey.id(), adminKey.secret()))
                .request(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(java.net.URI.create(BASE + "/"))
                        .putHeader("Content-Type", "application/x-amz-json-1.1")
                        .putHeader("X-Amz-Target", ECR_TARGET + "DescribeRepositories").build())
                .payload(ContentStreamProvider.fromByteArray(big))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecr")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        List<String> headers = new ArrayList<>(List.of("Content-Length", String.valueOf(big.length)));
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                headers.add(name);
                headers.add(values.get(0));
            }
        });
        RawHttp.Reply tooLarge = RawHttp.send("127.0.0.1", "POST", "/", null, 10_000, headers.toArray(String[]::new));
        assertEquals(413, tooLarge.status(), tooLarge.body());
    }

    // ---- 4. guessing a password locks out the guesser, not the user

    @Test
    void guessingAPasswordLocksOutTheGuesserNotTheUser() throws InterruptedException {
        user("guessed", null, false);
        String wrong = RegistryHttp.basic("guessed", "not-the-password");
        RawHttp.Reply reply = null;
        for (int i = 0; i < 30; i++) {
            reply = RawHttp.send("127.0.0.2", "GET", "/v2/", null, 10_000, "Authorization", wrong);
            if (reply.status() == 429 && Long.parseLong(reply.header("Retry-After")) > 1) {
                break;
            }
            if (reply.status() == 429) {
                Thread.sleep(1100);
            }
        }
        assertEquals(429, reply.status(), "the guesser is refused");
        assertEquals("application/json", reply.header("Content-Type"));
        assertTrue(reply.body().contains("\"TOOMANYREQUESTS\""), reply.body());
        // The IAM endpoint refuses the guesser too, in its own format.
        RawHttp.Reply iam = RawHttp.send("127.0.0.2", "POST", "/",
                "Action=CreateAccessKey&Version=2010-05-08".getBytes(StandardCharsets.UTF_8), 10_000,
                "Authorization", wrong, "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(429, iam.status(), iam.body());
        assertTrue(iam.body().contains("<Code>Throttling</Code>"), iam.body());
        assertTrue(Long.parseLong(reply.header("Retry-After")) > 60, reply.header("Retry-After"));
        // The same user under its qualified name is the same user, from the guesser's address.
        assertEquals(429, RawHttp.send("127.0.0.2", "GET", "/v2/", null, 10_000, "Authorization",
                RegistryHttp.basic(A + "/guessed", "another-guess")).status());
        // The right password from another address gets in (at most a one-second wait while guesses go on).
        String right = RegistryHttp.basic("guessed", password("guessed"));
        RawHttp.Reply owner = RawHttp.send("127.0.0.3", "GET", "/v2/", null, 10_000, "Authorization", right);
        if (owner.status() == 429) {
            assertEquals("1", owner.header("Retry-After"));
            Thread.sleep(1100);
            owner = RawHttp.send("127.0.0.3", "GET", "/v2/", null, 10_000, "Authorization", right);
        }
        assertEquals(200, owner.status(), owner.body());
    }

    // ---- 5. a presigned URL must sign its body

    @Test
    void aPresignedRequestWithAnUnsignedBodyIsRefused() {
        String query = SigV4Verifier.presign("POST", "127.0.0.1:" + RawHttp.port(), "/", Map.of(), adminKey.id(),
                adminKey.secret(), "us-east-1", "iam", Instant.now(), Duration.ofDays(7));
        HttpResponse<String> response = ADMIN.as(null, null).send("POST", "/?" + query,
                bytes("Action=CreateUser&UserName=presigned-user&Version=2010-05-08"),
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("IncompleteSignature"), response.body());
        assertThrows(IamException.class, () -> iam.getUser(r -> r.userName("presigned-user")));

        // X-Amz-Target picks the operation: a signature that does not cover it covers nothing.
        byte[] body = bytes("{}");
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(adminKey.id(), adminKey.secret()))
                .request(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(java.net.URI.create(BASE + "/"))
                        .putHeader("Content-Type", "application/x-amz-json-1.1").build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecr")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        List<String> headers = new ArrayList<>(List.of("X-Amz-Target", ECR_TARGET + "DescribeRepositories"));
        signed.forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                headers.add(name);
                headers.add(values.get(0));
            }
        });
        RawHttp.Reply unsignedTarget = RawHttp.send("127.0.0.1", "POST", "/", body, 10_000,
                headers.toArray(String[]::new));
        assertEquals(400, unsignedTarget.status(), unsignedTarget.body());
        assertEquals("IncompleteSignatureException", json(unsignedTarget.body()).getString("__type"));
    }

    // ---- 6. policy conditions see the transport and the request's tags

    @Test
    void aDenyOnPlainHttpAppliesAndHttpsFromTheTrustedProxyPasses() {
        user("tls-only", policy(allow("\"ecr:*\"", repositories("sec/*")),
                "{\"Effect\":\"Deny\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":"
                        + "{\"aws:SecureTransport\":\"false\"}}}"), false);
        String credentials = RegistryHttp.basic("tls-only", password("tls-only"));
        RawHttp.Reply plain = RawHttp.send("127.0.0.1", "GET", "/v2/sec/tls/tags/list", null, 10_000,
                "Authorization", credentials);
        assertEquals(403, plain.status(), plain.body());
        RawHttp.Reply viaProxy = RawHttp.send(TRUSTED_PROXY, "GET", "/v2/sec/tls/tags/list", null, 10_000,
                "Authorization", credentials, "X-Forwarded-Proto", "https", "X-Forwarded-For", "192.0.2.10");
        assertEquals(404, viaProxy.status(), viaProxy.body()); // allowed; the repository does not exist
        // Only the trusted proxy is believed.
        RawHttp.Reply forged = RawHttp.send("127.0.0.1", "GET", "/v2/sec/tls/tags/list", null, 10_000,
                "Authorization", credentials, "X-Forwarded-Proto", "https");
        assertEquals(403, forged.status(), forged.body());
    }

    @Test
    void tagConditionsSeeTheTagsARequestSets() {
        AwsApis.Key key = user("tagger", policy(
                "{\"Effect\":\"Allow\",\"Action\":\"ecr:CreateRepository\",\"Resource\":\"*\",\"Condition\":"
                        + "{\"StringEquals\":{\"aws:RequestTag/team\":\"red\"}}}",
                "{\"Effect\":\"Allow\",\"Action\":\"ecr:TagResource\",\"Resource\":\"*\",\"Condition\":"
                        + "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"team\"]}}}"), true);
        try (EcrClient tagger = AwsApis.ecr(BASE, key)) {
            EcrException blue = assertThrows(EcrException.class, () -> tagger.createRepository(r -> r
                    .repositoryName("sec/blue").tags(t -> t.key("team").value("blue"))));
            assertEquals("AccessDeniedException", blue.awsErrorDetails().errorCode());
            tagger.createRepository(r -> r.repositoryName("sec/red").tags(t -> t.key("team").value("red")));
            String arn = repositories("sec/red");
            EcrException owner = assertThrows(EcrException.class, () -> tagger.tagResource(r -> r.resourceArn(arn)
                    .tags(t -> t.key("owner").value("mallory"))));
            assertEquals("AccessDeniedException", owner.awsErrorDetails().errorCode());
            tagger.tagResource(r -> r.resourceArn(arn).tags(t -> t.key("team").value("red")));
        }
        MalformedPolicyDocumentException unknownKey = assertThrows(MalformedPolicyDocumentException.class, () ->
                iam.putUserPolicy(r -> r.userName("tagger").policyName("mfa").policyDocument(policy(
                        "{\"Effect\":\"Allow\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":"
                                + "{\"aws:MultiFactorAuthPresent\":\"true\"}}}"))));
        assertTrue(unknownKey.getMessage().contains("aws:MultiFactorAuthPresent"), unknownKey.getMessage());
    }

    @Test
    void anExplicitDenyBindsAdministratorsWhoMayStillRemoveIt() {
        ecr.createRepository(r -> r.repositoryName("sec/frozen"));
        ecr.setRepositoryPolicy(r -> r.repositoryName("sec/frozen").policyText(policy("{\"Sid\":\"Frozen\","
                + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"ecr:PutImage\",\"ecr:BatchDeleteImage\"]}")));
        String manifest = ADMIN.imageManifest("sec/frozen", OCI_MANIFEST, "frozen");
        HttpResponse<String> refused = ADMIN.putManifest("sec/frozen", "v1", OCI_MANIFEST, manifest);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("DENIED", errorCode(refused));
        ecr.deleteRepositoryPolicy(r -> r.repositoryName("sec/frozen"));
        assertEquals(201, ADMIN.putManifest("sec/frozen", "v1", OCI_MANIFEST, manifest).statusCode());
    }

    // ---- new inputs, tried as an attacker would

    @Test
    void aMountWithoutFromFindsOnlyBlobsTheCallerMayRead() {
        // A blob only in a repository the caller may not read, and one only in another account.
        byte[] secret = bytes("a layer in a repository the mounter may not read");
        String hidden = ADMIN.pushBlob("sec/private-layers", secret);
        assertEquals(200, AwsApis.iamSigned(BASE, adminKey, "Action", "CreateAccount", "AccountId", "333333333333",
                "AdminUserName", "admin", "AdminPassword", "pw-other-account-2026").statusCode());
        RegistryHttp otherAccount = ADMIN.as("333333333333/admin", "pw-other-account-2026");
        String foreign = otherAccount.pushBlob("layers", bytes("a layer of another account"));

        user("mounter", policy(allow("\"ecr:*\"", repositories("sec/mine/*"))), false);
        RegistryHttp mounter = ADMIN.as("mounter", password("mounter"));
        for (String digest : List.of(hidden, foreign)) {
            HttpResponse<String> mount = mounter.send("POST", "/v2/sec/mine/app/blobs/uploads/?mount=" + digest, null);
            assertEquals(202, mount.statusCode(), "an upload starts instead: " + mount.body());
            assertEquals(404, mounter.send("HEAD", "/v2/sec/mine/app/blobs/" + digest, null).statusCode());
        }
        // The administrator of the account may read the private repository: for it the blob is found.
        assertEquals(201, ADMIN.send("POST", "/v2/sec/admins-copy/blobs/uploads/?mount=" + hidden, null)
                .statusCode());
        assertEquals(202, ADMIN.send("POST", "/v2/sec/admins-copy/blobs/uploads/?mount=" + foreign, null)
                .statusCode(), "never from another account");
    }

    @Test
    void signedBodiesAreGivenBackWhenTheirRequestsEnd() {
        // Eight layer parts of 20 MiB, one after another: 160 MiB, more than the server may hold at once (a quarter
        // of its 512 MiB heap). Each is read, refused by its handler (no such upload) and its memory given back.
        byte[] part = new byte[20 * 1024 * 1024];
        String body = "{\"repositoryName\":\"sec/parts\",\"uploadId\":\"00000000-0000-4000-8000-000000000000\","
                + "\"partFirstByte\":0,\"partLastByte\":" + (part.length - 1) + ",\"layerPartBlob\":\""
                + java.util.Base64.getEncoder().encodeToString(part) + "\"}";
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = AwsApis.sendSigned(BASE, adminKey, "ecr", Map.of(
                    "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", ECR_TARGET + "UploadLayerPart"),
                    bytes(body));
            assertEquals(400, response.statusCode(), "part " + i + ": " + response.body());
        }
    }

    // ---- 7. lesser findings

    @Test
    void aCatalogPageCostsAPageNotTheWholeAccount() {
        for (int i = 0; i < 30; i++) {
            String name = String.format("sec-catalog/r%02d", i);
            ecr.createRepository(r -> r.repositoryName(name));
        }
        user("cataloger", policy(allow("\"ecr:DescribeRepositories\"", repositories("sec-catalog/r29"))), false);
        RegistryHttp cataloger = ADMIN.as("cataloger", password("cataloger"));
        HttpResponse<String> first = cataloger.get("/v2/_catalog?n=1");
        assertEquals(200, first.statusCode());
        assertEquals(0, json(first.body()).getJsonArray("repositories").size(), first.body());
        String link = first.headers().firstValue("Link").orElseThrow();
        List<String> seen = new ArrayList<>();
        int pages = 1;
        while (link != null) {
            HttpResponse<String> page = cataloger.get(link.substring(link.indexOf('<') + 1, link.indexOf('>')));
            json(page.body()).getJsonArray("repositories").getValuesAs(JsonString.class)
                    .forEach(s -> seen.add(s.getString()));
            link = page.headers().firstValue("Link").orElse(null);
            assertTrue(++pages < 1000, "the walk ends");
        }
        assertEquals(List.of("sec-catalog/r29"), seen);
    }

    @Test
    void theDataDirectoryIsTheServersAlone() throws IOException {
        String name = "sec/files";
        ADMIN.pushBlob(name, bytes("owner-only"));
        HttpResponse<String> started = ADMIN.send("POST", "/v2/" + name + "/blobs/uploads/", null);
        String location = started.headers().firstValue("Location").orElseThrow();
        assertEquals(202, ADMIN.send("PATCH", location, bytes("half an upload"),
                "Content-Type", "application/octet-stream").statusCode());

        Path data = Path.of(System.getProperty("berth.it.dir"), "arquillian-data");
        Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        List<String> open = new ArrayList<>();
        try (Stream<Path> files = Files.walk(data)) {
            files.forEach(path -> {
                try {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                    permissions.retainAll(others);
                    if (!permissions.isEmpty()) {
                        open.add(data.relativize(path) + " " + permissions);
                    }
                } catch (IOException gone) {
                    // a temporary file removed while walking
                }
            });
        }
        assertEquals(List.of(), open, "files and directories others can read");
    }

    @Test
    void nothingIntrospectsTheApplicationWithoutCredentials() {
        RegistryHttp anonymous = ADMIN.as(null, null);
        // /metrics: the test servers turn metrics on to scrape them; run.sh's default (off) is checked in RestartIT.
        for (String path : List.of("/application.wadl", "/v2/application.wadl", "/openapi")) {
            int status = anonymous.get(path).statusCode();
            assertTrue(status == 401 || status == 403 || status == 404, path + " answered " + status);
        }
    }

    @Test
    void theNamesOfTheAnonymousCallerAndOfTokenLoginsAreReserved() {
        for (String reserved : List.of("anonymous", "AWS")) {
            IamException e = assertThrows(IamException.class, () -> iam.createUser(r -> r.userName(reserved)));
            assertEquals(400, e.statusCode(), reserved);
        }
    }

    @Test
    void theClientAddressComesFromForwardedForOnlyThroughTheTrustedProxy() {
        user("office", policy("{\"Effect\":\"Allow\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":"
                + "{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}}"), false);
        String credentials = RegistryHttp.basic("office", password("office"));
        String path = "/v2/sec/office/tags/list";
        assertEquals(404, RawHttp.send(TRUSTED_PROXY, "GET", path, null, 10_000, "Authorization", credentials,
                "X-Forwarded-For", "198.51.100.1, 203.0.113.7").status(), "the proxy's client, nearest first");
        assertEquals(403, RawHttp.send("127.0.0.1", "GET", path, null, 10_000, "Authorization", credentials,
                "X-Forwarded-For", "203.0.113.7").status(), "not a proxy: the header is ignored");
        assertEquals(403, RawHttp.send(TRUSTED_PROXY, "GET", path, null, 10_000, "Authorization", credentials,
                "X-Forwarded-For", "203.0.113.7, 198.51.100.1").status(), "a forged first entry does not count");
    }

    @Test
    void policiesHaveAwsSizeLimits() {
        ecr.createRepository(r -> r.repositoryName("sec/policy-size"));
        String padding = " ".repeat(10_241);
        String large = policy("{\"Sid\":\"Pull\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:ListImages\"}")
                + padding;
        assertThrows(InvalidParameterException.class, () -> ecr.setRepositoryPolicy(r -> r
                .repositoryName("sec/policy-size").policyText(large)));
        assertThrows(InvalidParameterException.class, () -> ecr.putRegistryPolicy(r -> r.policyText(large)));
        user("verbose", null, false);
        StringBuilder actions = new StringBuilder("[\"ecr:ListImages\"");
        for (int i = 0; i < 120; i++) {
            actions.append(",\"ecr:DescribeImages\"");
        }
        String userPolicy = policy(allow(actions + "]", repositories("sec/policy-size")));
        assertTrue(userPolicy.length() > 2048);
        IamException limit = assertThrows(IamException.class, () -> iam.putUserPolicy(r -> r.userName("verbose")
                .policyName("long").policyDocument(userPolicy)));
        assertEquals("LimitExceeded", limit.awsErrorDetails().errorCode());
    }

    @Test
    void aWebPageCannotMakeAnAdministratorsBrowserChangeAnything() {
        String basic = RegistryHttp.basic("admin", RegistryHttp.ADMIN_PASSWORD);
        HttpResponse<String> crossOrigin = ADMIN.send("POST", "/", bytes("Action=CreateAccessKey&Version=2010-05-08"),
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded",
                "Origin", "https://evil.example");
        assertEquals(403, crossOrigin.statusCode(), crossOrigin.body());
        HttpResponse<String> crossSite = ADMIN.send("POST", "/", bytes("Action=CreateAccessKey&Version=2010-05-08"),
                "Authorization", basic, "Content-Type", "application/x-www-form-urlencoded",
                "Sec-Fetch-Site", "cross-site");
        assertEquals(403, crossSite.statusCode(), crossSite.body());
        String manifest = ADMIN.imageManifest("sec/csrf", OCI_MANIFEST, "csrf");
        HttpResponse<String> push = ADMIN.send("PUT", "/v2/sec/csrf/manifests/v1", bytes(manifest),
                "Content-Type", OCI_MANIFEST, "Origin", "https://evil.example");
        assertEquals(403, push.statusCode(), push.body());
        assertEquals("DENIED", errorCode(push));
        assertEquals(404, ADMIN.get("/v2/sec/csrf/manifests/v1").statusCode());
        // Reads are not state changes, and a page of the registry's own origin may write.
        assertEquals(200, ADMIN.get("/v2/", "Origin", "https://evil.example").statusCode());
        assertEquals(201, ADMIN.send("PUT", "/v2/sec/csrf/manifests/v1", bytes(manifest), "Content-Type",
                OCI_MANIFEST, "Origin", BASE).statusCode());
    }
}
