package io.berth.it;

import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.errorCode;
import static io.berth.it.RegistryHttp.json;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.InvalidParameterException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.DeleteConflictException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Identity and access as clients meet them: who may do which {@code /v2} operation on which repository (a table over
 * every operation and every kind of caller), the IAM API through the AWS SDK and the AWS CLI, login tokens, SigV4
 * refusals (throttled guessing is in SecurityIT).
 */
@ExtendWith(ArquillianExtension.class)
class IdentityAndAccessIT {

    private static final String A = "000000000000";
    private static final String B = "222222222222";
    private static final RegistryHttp ADMIN = RegistryHttp.forTests();
    private static final String BASE = ADMIN.base;
    private static final String PULL_ACTIONS = "[\"ecr:BatchGetImage\",\"ecr:GetDownloadUrlForLayer\","
            + "\"ecr:BatchCheckLayerAvailability\",\"ecr:ListImages\",\"ecr:ListImageReferrers\","
            + "\"ecr:DescribeRepositories\"]";
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private static AwsApis.Key adminKey;
    private static IamClient iam;
    private static String layer;
    private static byte[] layerBytes;
    private static String manifest;
    private static String manifestDigest;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    private static String password(String user) {
        return "pw-" + user + "-2026";
    }

    private static void user(String name, String policy) {
        iam.createUser(r -> r.userName(name));
        iam.createLoginProfile(r -> r.userName(name).password(password(name)));
        if (policy != null) {
            iam.putUserPolicy(r -> r.userName(name).policyName("p").policyDocument(policy));
        }
    }

    private static String allow(String actions, String resource) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" + actions
                + ",\"Resource\":\"" + resource + "\"}]}";
    }

    @BeforeAll
    static void identitiesAndRepositories() {
        adminKey = AwsApis.adminKey(BASE);
        iam = AwsApis.iam(BASE, adminKey);
        user("nopolicy", null);
        user("reader", allow(PULL_ACTIONS, "arn:aws:ecr:us-east-1:" + A + ":repository/acl/*")
                .replace("}]}", "},{\"Effect\":\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\","
                        + "\"Resource\":\"*\"}]}"));
        user("writer", null);
        user("denied", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoChanges\",\"Effect\":\"Deny\","
                + "\"Action\":[\"ecr:PutImage\",\"ecr:BatchDeleteImage\"],\"Resource\":\"*\"}]}");
        iam.createGroup(r -> r.groupName("writers"));
        iam.putGroupPolicy(r -> r.groupName("writers").policyName("all")
                .policyDocument(allow("\"ecr:*\"", "arn:aws:ecr:*:" + A + ":repository/acl/*")));
        iam.addUserToGroup(r -> r.groupName("writers").userName("writer"));
        iam.addUserToGroup(r -> r.groupName("writers").userName("denied"));
        HttpResponse<String> account = AwsApis.iamSigned(BASE, adminKey,
                "Action", "CreateAccount", "AccountId", B, "AdminUserName", "admin", "AdminPassword",
                password("b-admin"));
        assertEquals(200, account.statusCode(), account.body());

        layerBytes = bytes("acl layer");
        for (String repository : List.of("acl/app", "acl/shared")) {
            layer = ADMIN.pushBlob(repository, layerBytes);
            manifest = ADMIN.imageManifest(repository, RegistryHttp.OCI_MANIFEST, "acl layer");
            assertEquals(201, ADMIN.putManifest(repository, "v1", RegistryHttp.OCI_MANIFEST, manifest).statusCode());
        }
        manifestDigest = sha256(manifest.getBytes(StandardCharsets.UTF_8));
        try (EcrClient ecr = AwsApis.ecr(BASE, adminKey)) {
            ecr.setRepositoryPolicy(r -> r.repositoryName("acl/shared").policyText(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AccountBPulls\",\"Effect\":\"Allow\","
                            + "\"Principal\":{\"AWS\":\"arn:aws:iam::" + B + ":root\"},\"Action\":"
                            + PULL_ACTIONS + "}]}"));
        }
    }

    // --- the authorization table --------------------------------------------------------------------------------

    private enum Kind { READ, WRITE }

    /** One /v2 operation on a repository path, with the status it answers when allowed. */
    private record Operation(String name, Kind kind, int allowedStatus, Sending send) {
    }

    private interface Sending {
        HttpResponse<String> send(RegistryHttp http, String repository);
    }

    private static List<Operation> operations() {
        return List.of(
                new Operation("manifest GET", Kind.READ, 200, (h, r) -> h.get("/v2/" + r + "/manifests/v1",
                        "Accept", RegistryHttp.OCI_MANIFEST)),
                new Operation("manifest HEAD", Kind.READ, 200, (h, r) -> h.send("HEAD", "/v2/" + r + "/manifests/v1",
                        null, "Accept", RegistryHttp.OCI_MANIFEST)),
                new Operation("blob GET", Kind.READ, 200, (h, r) -> h.get("/v2/" + r + "/blobs/" + layer)),
                new Operation("blob HEAD", Kind.READ, 200, (h, r) -> h.send("HEAD", "/v2/" + r + "/blobs/" + layer,
                        null)),
                new Operation("tags list", Kind.READ, 200, (h, r) -> h.get("/v2/" + r + "/tags/list")),
                new Operation("referrers", Kind.READ, 200, (h, r) -> h.get("/v2/" + r + "/referrers/"
                        + manifestDigest)),
                new Operation("upload start", Kind.WRITE, 202, (h, r) -> h.send("POST", "/v2/" + r
                        + "/blobs/uploads/", null)),
                new Operation("monolithic upload", Kind.WRITE, 201, (h, r) -> h.send("POST", "/v2/" + r
                        + "/blobs/uploads/?digest=" + sha256(layerBytes), layerBytes,
                        "Content-Type", "application/octet-stream")),
                new Operation("manifest PUT", Kind.WRITE, 201, (h, r) -> h.send("PUT", "/v2/" + r
                        + "/manifests/copy", manifest.getBytes(StandardCharsets.UTF_8),
                        "Content-Type", RegistryHttp.OCI_MANIFEST)),
                new Operation("manifest DELETE", Kind.WRITE, 202, (h, r) -> {
                    // A fresh tag per attempt, so that an allowed delete does not change what the next cell sees.
                    String tag = "gone-" + UNIQUE.incrementAndGet();
                    String plain = r.startsWith(A + "/") ? r.substring(13) : r;
                    assertEquals(201, ADMIN.putManifest(plain, tag, RegistryHttp.OCI_MANIFEST, manifest)
                            .statusCode());
                    return h.send("DELETE", "/v2/" + r + "/manifests/" + tag, null);
                }));
    }

    private enum Expect { ALL, READS, NONE_401, NONE_403, ALL_BUT_CHANGES }

    /** Who calls, on which repository path, and what they may do. */
    private record Row(String caller, RegistryHttp http, String repository, Expect expect) {
    }

    @Test
    void everyOperationIsAllowedOrRefusedAsThePoliciesSay() {
        var readerKey = iam.createAccessKey(r -> r.userName("reader")).accessKey();
        String readerToken = tokenPassword(new AwsApis.Key(readerKey.accessKeyId(), readerKey.secretAccessKey()));
        List<Row> rows = List.of(
                new Row("anonymous", ADMIN.as(null, null), "acl/app", Expect.NONE_401),
                new Row("wrong password", null, "acl/app", Expect.NONE_401),
                new Row("invalid token", ADMIN.as("AWS", "bm90LWEtdG9rZW4"), "acl/app", Expect.NONE_401),
                new Row("user without policy", ADMIN.as("nopolicy", password("nopolicy")), "acl/app",
                        Expect.NONE_403),
                new Row("user with a pull policy", ADMIN.as("reader", password("reader")), "acl/app", Expect.READS),
                new Row("same user with a login token", ADMIN.as("AWS", readerToken), "acl/app", Expect.READS),
                new Row("user with a group's push policy", ADMIN.as("writer", password("writer")), "acl/app",
                        Expect.ALL),
                new Row("group allows, user policy denies", ADMIN.as("denied", password("denied")), "acl/app",
                        Expect.ALL_BUT_CHANGES),
                new Row("other account, no repository policy", ADMIN.as(B + "/admin", password("b-admin")),
                        A + "/acl/app", Expect.NONE_403),
                new Row("other account, repository policy allows pulls", ADMIN.as(B + "/admin",
                        password("b-admin")), A + "/acl/shared", Expect.READS),
                new Row("administrator", ADMIN, "acl/app", Expect.ALL));
        List<String> wrong = new ArrayList<>();
        for (Row row : rows) {
            for (Operation op : operations()) {
                RegistryHttp http = row.http() != null ? row.http()
                        : ADMIN.as("nobody-" + UNIQUE.incrementAndGet(), "wrong-password");
                int expected = switch (row.expect()) {
                    case ALL -> op.allowedStatus();
                    case READS -> op.kind() == Kind.READ ? op.allowedStatus() : 403;
                    case NONE_401 -> 401;
                    case NONE_403 -> 403;
                    case ALL_BUT_CHANGES -> op.name().startsWith("manifest PUT") || op.name().startsWith(
                            "manifest DELETE") ? 403 : op.allowedStatus();
                };
                HttpResponse<String> response = op.send().send(http, row.repository());
                String code = response.statusCode() < 400 || response.body().isEmpty() ? "" : errorCode(response);
                boolean ok = response.statusCode() == expected
                        && (expected != 401 || (code.equals("UNAUTHORIZED") || op.name().endsWith("HEAD"))
                        && response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="))
                        && (expected != 403 || code.equals("DENIED") || op.name().endsWith("HEAD"));
                if (!ok) {
                    wrong.add(row.caller() + " / " + op.name() + ": expected " + expected + ", got "
                            + response.statusCode() + " " + response.body());
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void theCatalogListsOnlyRepositoriesTheCallerMayDescribe() {
        String all = ADMIN.get("/v2/_catalog").body();
        assertTrue(all.contains("\"acl/app\"") && all.contains("\"acl/shared\""), all);
        assertEquals("{\"repositories\":[]}", ADMIN.as("nopolicy", password("nopolicy")).get("/v2/_catalog").body());
        String reader = ADMIN.as("reader", password("reader")).get("/v2/_catalog?n=1").body();
        assertEquals("{\"repositories\":[\"acl/app\"]}", reader);
        // Account B sees its own (empty) namespace, not A's repositories.
        assertEquals("{\"repositories\":[]}", ADMIN.as(B + "/admin", password("b-admin")).get("/v2/_catalog")
                .body());
    }

    @Test
    void theBaseEndpointChallengesForBasicCredentials() {
        HttpResponse<String> anonymous = ADMIN.as(null, null).get("/v2/");
        assertEquals(401, anonymous.statusCode());
        assertEquals("Basic realm=\"Berth\"", anonymous.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals("UNAUTHORIZED", errorCode(anonymous));
        assertEquals(200, ADMIN.get("/v2/").statusCode());
    }

    @Test
    void crossAccountPushesNeedTheRepositoryPolicy() {
        RegistryHttp bAdmin = ADMIN.as(B + "/admin", password("b-admin"));
        // B's own namespace: B's administrator may push there.
        assertEquals(201, bAdmin.putManifest("own/app", "v1", RegistryHttp.OCI_MANIFEST,
                bAdmin.imageManifest("own/app", RegistryHttp.OCI_MANIFEST, "b layer")).statusCode());
        // A's administrator reaches it with B's prefix, but B's repository has no policy that lets A in.
        HttpResponse<String> denied = ADMIN.get("/v2/" + B + "/own/app/manifests/v1", "Accept",
                RegistryHttp.OCI_MANIFEST);
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("DENIED", errorCode(denied));
        // Creating a repository in another account by pushing is refused too.
        assertEquals(403, ADMIN.send("POST", "/v2/" + B + "/new/repo/blobs/uploads/", null).statusCode());
    }

    // --- tokens, SigV4 and the AWS clients ---------------------------------------------------------------------

    private static String tokenPassword(AwsApis.Key key) {
        try (EcrClient ecr = AwsApis.ecr(BASE, key)) {
            var data = ecr.getAuthorizationToken().authorizationData().get(0);
            assertEquals(BASE, data.proxyEndpoint());
            String decoded = new String(Base64.getDecoder().decode(data.authorizationToken()),
                    StandardCharsets.UTF_8);
            assertTrue(decoded.startsWith("AWS:"));
            assertEquals(2, decoded.split(":").length, "the password holds no colon");
            return decoded.substring(4);
        }
    }

    @Test
    void aLoginTokenStopsWorkingWhenItsAccessKeyIsDisabled() {
        iam.createUser(r -> r.userName("token-user"));
        iam.putUserPolicy(r -> r.userName("token-user").policyName("p").policyDocument(
                allow("[\"ecr:GetAuthorizationToken\",\"ecr:BatchGetImage\"]", "*")));
        var created = iam.createAccessKey(r -> r.userName("token-user")).accessKey();
        String token = tokenPassword(new AwsApis.Key(created.accessKeyId(), created.secretAccessKey()));
        RegistryHttp withToken = ADMIN.as("AWS", token);
        assertEquals(200, withToken.get("/v2/acl/app/manifests/v1", "Accept", RegistryHttp.OCI_MANIFEST)
                .statusCode());
        iam.updateAccessKey(r -> r.userName("token-user").accessKeyId(created.accessKeyId())
                .status(StatusType.INACTIVE));
        assertEquals(401, withToken.get("/v2/acl/app/manifests/v1").statusCode());
        // The secret is shown once: listing keys never shows it.
        String listed = AwsApis.iamSigned(BASE, adminKey,
                "Action", "ListAccessKeys", "UserName", "token-user").body();
        assertTrue(listed.contains(created.accessKeyId()) && listed.contains("Inactive"), listed);
        assertFalse(listed.contains(created.secretAccessKey()), listed);
    }

    @Test
    void signaturesThatDoNotVerifyAreRefusedInTheProtocolsOwnFormat() {
        try (EcrClient wrongSecret = AwsApis.ecr(BASE, new AwsApis.Key(adminKey.id(), "not-the-secret"))) {
            EcrException e = assertThrows(EcrException.class, wrongSecret::getAuthorizationToken);
            assertEquals(403, e.statusCode());
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
        }
        try (EcrClient unknownKey = AwsApis.ecr(BASE, new AwsApis.Key("AKIAUNKNOWNKEY000000", "x"))) {
            EcrException e = assertThrows(EcrException.class, unknownKey::getAuthorizationToken);
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
        }
        // Unsigned calls: each API answers in its own format.
        HttpResponse<String> unsignedEcr = ADMIN.as(null, null).send("POST", "/", bytes("{}"),
                "Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken");
        assertEquals(403, unsignedEcr.statusCode());
        assertEquals("MissingAuthenticationTokenException", json(unsignedEcr.body()).getString("__type"));
        HttpResponse<String> unsignedIam = ADMIN.as(null, null).send("POST", "/", bytes("Action=ListUsers"),
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(403, unsignedIam.statusCode());
        assertEquals("MissingAuthenticationToken", AwsApis.element(unsignedIam.body(), "Code"));
        try (IamClient wrongIam = AwsApis.iam(BASE, new AwsApis.Key(adminKey.id(), "not-the-secret"))) {
            var e = assertThrows(software.amazon.awssdk.services.iam.model.IamException.class,
                    () -> wrongIam.getUser(r -> r.userName("reader")));
            assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void invalidPoliciesAreRefusedAndNothingIsStored() {
        MalformedPolicyDocumentException malformed = assertThrows(MalformedPolicyDocumentException.class,
                () -> iam.putUserPolicy(r -> r.userName("reader").policyName("p").policyDocument(
                        allow("\"ecr:PullEverything\"", "*"))));
        assertTrue(malformed.getMessage().contains("ecr:PullEverything"), malformed.getMessage());
        assertEquals(200, ADMIN.as("reader", password("reader")).get("/v2/acl/app/tags/list").statusCode(),
                "the earlier policy still applies");
        try (EcrClient ecr = AwsApis.ecr(BASE, adminKey)) {
            String before = ecr.getRepositoryPolicy(r -> r.repositoryName("acl/shared")).policyText();
            for (String bad : List.of("{not json", "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*\"}]}",
                    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:*\","
                            + "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.300/8\"}}}]}")) {
                InvalidParameterException e = assertThrows(InvalidParameterException.class,
                        () -> ecr.setRepositoryPolicy(r -> r.repositoryName("acl/shared").policyText(bad)));
                assertNotEquals("", e.awsErrorDetails().errorMessage());
            }
            assertEquals(before, ecr.getRepositoryPolicy(r -> r.repositoryName("acl/shared")).policyText());
        }
    }

    @Test
    void aUserIsDeletedOnlyOnceWhatItHoldsIsRemoved() {
        user("leaver", allow("\"ecr:ListImages\"", "*"));
        var key = iam.createAccessKey(r -> r.userName("leaver")).accessKey();
        iam.addUserToGroup(r -> r.groupName("writers").userName("leaver"));
        List<Runnable> removals = List.of(
                () -> iam.deleteLoginProfile(r -> r.userName("leaver")),
                () -> iam.deleteAccessKey(r -> r.userName("leaver").accessKeyId(key.accessKeyId())),
                () -> iam.deleteUserPolicy(r -> r.userName("leaver").policyName("p")),
                () -> iam.removeUserFromGroup(r -> r.groupName("writers").userName("leaver")));
        for (Runnable removal : removals) {
            DeleteConflictException conflict = assertThrows(DeleteConflictException.class,
                    () -> iam.deleteUser(r -> r.userName("leaver")));
            assertTrue(conflict.getMessage().startsWith("Cannot delete entity, must "), conflict.getMessage());
            removal.run();
        }
        iam.deleteUser(r -> r.userName("leaver"));
        assertThrows(NoSuchEntityException.class, () -> iam.getUser(r -> r.userName("leaver")));
    }

    @Test
    void theAwsCliManagesUsersAndLogsIn() throws Exception {
        Path aws = Path.of("/usr/bin/aws");
        assertTrue(Files.isExecutable(aws), "Debian's awscli is needed: .ci/run installs it");
        Map<String, String> env = AwsApis.cliEnvironment(adminKey);
        Command.ENVIRONMENT.putAll(env);
        try {
            Path work = Files.createTempDirectory("berth-aws-cli");
            cli(work, "iam", "create-user", "--user-name", "cli-user");
            String key = cli(work, "iam", "create-access-key", "--user-name", "cli-user");
            String keyId = json(key).getJsonObject("AccessKey").getString("AccessKeyId");
            String secret = json(key).getJsonObject("AccessKey").getString("SecretAccessKey");
            String policy = allow("[\"ecr:GetAuthorizationToken\",\"ecr:BatchGetImage\","
                    + "\"ecr:GetDownloadUrlForLayer\"]", "*");
            cli(work, "iam", "put-user-policy", "--user-name", "cli-user", "--policy-name", "pull",
                    "--policy-document", policy);
            String read = cli(work, "iam", "get-user-policy", "--user-name", "cli-user", "--policy-name", "pull");
            assertEquals(json(policy), json(read).getJsonObject("PolicyDocument"));
            Command.Result refused = Command.tryRun(work, "/usr/bin/aws", "--endpoint-url", BASE, "iam",
                    "put-user-policy", "--user-name", "cli-user", "--policy-name", "bad", "--policy-document",
                    "{\"Statement\":[]}");
            assertNotEquals(0, refused.exitCode());
            assertTrue(refused.output().contains("MalformedPolicyDocument"), refused.output());

            Command.ENVIRONMENT.put("AWS_ACCESS_KEY_ID", keyId);
            Command.ENVIRONMENT.put("AWS_SECRET_ACCESS_KEY", secret);
            String loginPassword = cli(work, "ecr", "get-login-password").trim();
            RegistryHttp withToken = ADMIN.as("AWS", loginPassword);
            assertEquals(200, withToken.get("/v2/").statusCode());
            assertEquals(200, withToken.get("/v2/acl/app/manifests/v1", "Accept", RegistryHttp.OCI_MANIFEST)
                    .statusCode());
            assertEquals(403, withToken.send("DELETE", "/v2/acl/app/manifests/v1", null).statusCode());

            // skopeo with --creds, once with a password and once with the login token
            String host = BASE.substring("http://".length());
            Command.run(work, "skopeo", "inspect", "--tls-verify=false", "--creds", "AWS:" + loginPassword,
                    "docker://" + host + "/acl/app:v1");
            Command.run(work, "skopeo", "inspect", "--tls-verify=false", "--creds", "reader:" + password("reader"),
                    "docker://" + host + "/acl/app:v1");
            Command.Result denied = Command.tryRun(work, "skopeo", "inspect", "--tls-verify=false", "--creds",
                    "reader:wrong-password", "docker://" + host + "/acl/app:v1");
            assertNotEquals(0, denied.exitCode());
        } finally {
            env.keySet().forEach(Command.ENVIRONMENT::remove);
        }
    }

    private static String cli(Path work, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", BASE, "--output", "json"));
        command.addAll(List.of(args));
        return Command.run(work, command.toArray(String[]::new));
    }
}
