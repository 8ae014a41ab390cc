package io.berth.it;

import static io.berth.it.Command.run;
import static io.berth.it.RegistryHttp.json;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry as the real clients see it: skopeo, podman, buildah and the Docker CLI (against a dockerd this test
 * starts), all from Debian's packages. What comes back must be identical to what went in.
 */
@ExtendWith(ArquillianExtension.class)
class RealClientsIT {

    private static final RegistryHttp REGISTRY = RegistryHttp.forTests();
    private static final String HOST = "127.0.0.1:" + System.getProperty("berth.it.port", "5055");
    private static Path work;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    /** Short on purpose: podman refuses a runroot over 50 characters, and unix socket paths are limited. */
    @BeforeAll
    static void workDir() throws IOException {
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-it-");
        // skopeo, podman and buildah share this file; podman login writes it.
        Command.ENVIRONMENT.put("REGISTRY_AUTH_FILE", work.resolve("auth.json").toString());
        Command.ENVIRONMENT.put("DOCKER_CONFIG", work.resolve("docker-config").toString());
        run(work, podman("login", "--tls-verify=false", "-u", "admin", "-p", RegistryHttp.ADMIN_PASSWORD, HOST));
    }


    private static String[] podman(String... args) {
        return prefixed(List.of("podman", "--root", work + "/podman-root", "--runroot", work + "/podman-run",
                "--storage-driver", "vfs"), args);
    }

    private static String[] buildah(String... args) {
        return prefixed(List.of("buildah", "--root", work + "/buildah-root", "--runroot", work + "/buildah-run",
                "--storage-driver", "vfs"), args);
    }

    private static String[] prefixed(List<String> prefix, String... args) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** sha256 of every file in an OCI layout's blob folder, by file name. */
    private static Map<String, String> blobs(Path layout) throws IOException {
        Map<String, String> digests = new HashMap<>();
        try (Stream<Path> files = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path file : files.toList()) {
                digests.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return digests;
    }

    @Test
    void skopeoCopiesAnOciImageThereAndBackUnchanged() throws IOException {
        Command.require("skopeo");
        Path source = work.resolve("skopeo-oci");
        OciLayout layout = new OciLayout(source);
        String image = layout.image("first layer " + UUID.randomUUID(), "second layer", "third layer");
        layout.index("v1", image);

        Path digestFile = work.resolve("skopeo-oci.digest");
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "--format", "oci", "--digestfile",
                digestFile.toString(), "oci:" + source + ":v1", "docker://" + HOST + "/clients/skopeo-oci:v1");
        assertEquals(OciLayout.digestOf(image), Files.readString(digestFile).trim());

        Path back = work.resolve("skopeo-oci-back");
        run(work, "skopeo", "copy", "--src-tls-verify=false", "docker://" + HOST + "/clients/skopeo-oci:v1",
                "oci:" + back + ":v1");
        Map<String, String> pulled = blobs(back);
        assertEquals(blobs(source), pulled, "every blob, manifest and config comes back byte for byte");
        pulled.forEach((file, digest) -> assertEquals("sha256:" + file, digest));

        String inspect = run(work, "skopeo", "inspect", "--tls-verify=false", "docker://" + HOST
                + "/clients/skopeo-oci:v1");
        assertEquals(OciLayout.digestOf(image), json(inspect).getString("Digest"));
        String tags = run(work, "skopeo", "list-tags", "--tls-verify=false", "docker://" + HOST
                + "/clients/skopeo-oci");
        assertTrue(json(tags).getJsonArray("Tags").toString().contains("\"v1\""));
    }

    @Test
    void skopeoPushesDockerSchema2AndPullsTheSameLayers() throws IOException {
        Command.require("skopeo");
        Path source = work.resolve("skopeo-v2s2");
        OciLayout layout = new OciLayout(source);
        layout.index("v1", layout.image("docker layer " + UUID.randomUUID(), "another"));
        Path digestFile = work.resolve("skopeo-v2s2.digest");
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "--format", "v2s2", "--digestfile",
                digestFile.toString(), "oci:" + source + ":v1", "docker://" + HOST + "/clients/skopeo-v2s2:v1");
        String digest = Files.readString(digestFile).trim();

        String raw = run(work, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + HOST
                + "/clients/skopeo-v2s2:v1");
        JsonObject manifest = json(raw);
        assertEquals(RegistryHttp.DOCKER_MANIFEST, manifest.getString("mediaType"));
        assertEquals(digest, sha256(RegistryHttp.bytes(raw)));

        Path back = work.resolve("skopeo-v2s2-back");
        run(work, "skopeo", "copy", "--src-tls-verify=false", "docker://" + HOST + "/clients/skopeo-v2s2@" + digest,
                "dir:" + back);
        assertArrayEquals(RegistryHttp.bytes(raw), Files.readAllBytes(back.resolve("manifest.json")));
        for (JsonObject layer : manifest.getJsonArray("layers").getValuesAs(JsonObject.class)) {
            String layerDigest = layer.getString("digest");
            assertArrayEquals(Files.readAllBytes(source.resolve("blobs/sha256/" + layerDigest.substring(7))),
                    Files.readAllBytes(back.resolve(layerDigest.substring(7))));
        }
        run(work, "skopeo", "delete", "--tls-verify=false", "docker://" + HOST + "/clients/skopeo-v2s2@" + digest);
        assertEquals(404, REGISTRY.get("/v2/clients/skopeo-v2s2/manifests/" + digest).statusCode());
    }

    @Test
    void skopeoPushesAMultiArchitectureIndexAndASignatureLikeReferrer() throws IOException {
        Command.require("skopeo");
        Path source = work.resolve("skopeo-index");
        OciLayout layout = new OciLayout(source);
        String amd64 = layout.image("amd64 " + UUID.randomUUID());
        String arm64 =  layout.imageFor("arm64", "arm64 " + UUID.randomUUID());
        String index = layout.blob(RegistryHttp.OCI_INDEX, RegistryHttp.bytes("{\"schemaVersion\":2,\"mediaType\":\""
                + RegistryHttp.OCI_INDEX + "\",\"manifests\":["
                + amd64.replace("}", ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}") + ","
                + arm64.replace("}", ",\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}") + "]}"));
        String signature = layout.artifact(amd64, "{\"signed\":\"" + OciLayout.digestOf(amd64) + "\"}");
        layout.index("multi", index, "sig", signature);

        run(work, "skopeo", "copy", "--all", "--dest-tls-verify=false", "oci:" + source + ":multi",
                "docker://" + HOST + "/clients/multi:1");
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "oci:" + source + ":sig",
                "docker://" + HOST + "/clients/multi:sig");

        String raw = run(work, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + HOST
                + "/clients/multi:1");
        assertEquals(OciLayout.digestOf(index), sha256(RegistryHttp.bytes(raw)));
        String arm = run(work, "skopeo", "inspect", "--override-arch", "arm64", "--tls-verify=false",
                "docker://" + HOST + "/clients/multi:1");
        assertEquals("arm64", json(arm).getString("Architecture"), "the index resolves per platform");

        Path back = work.resolve("skopeo-index-back");
        run(work, "skopeo", "copy", "--all", "--src-tls-verify=false", "docker://" + HOST + "/clients/multi:1",
                "oci:" + back + ":multi");
        assertTrue(blobs(back).containsKey(OciLayout.digestOf(index).substring(7)));

        JsonArray referrers = json(REGISTRY.get("/v2/clients/multi/referrers/" + OciLayout.digestOf(amd64)).body())
                .getJsonArray("manifests");
        assertEquals(1, referrers.size());
        assertEquals(OciLayout.digestOf(signature), referrers.getJsonObject(0).getString("digest"));
        assertEquals("application/vnd.example.signature.v1", referrers.getJsonObject(0).getString("artifactType"));
    }

    /**
     * The ECR workflow with Debian's AWS CLI: create a repository, log podman in with a login token, push two images,
     * describe, retag with batch-get-image + put-image, find the untagged image, delete it, delete the repository.
     */
    @Test
    void theAwsCliScenarioRunsAgainstBerth() throws IOException {
        Command.require("podman");
        Path aws = Path.of("/usr/bin/aws");
        assertTrue(Files.isExecutable(aws), "Debian's awscli is needed: .ci/run installs it");
        Map<String, String> env = cliUser("scenario", "scenario/*");
        Command.ENVIRONMENT.putAll(env);
        try {
            Path ctx = Files.createDirectories(work.resolve("scenario"));
            String repositoryUri = json(ecrCli(ctx, "create-repository", "--repository-name", "scenario/app"))
                    .getJsonObject("repository").getString("repositoryUri");
            assertEquals(HOST + "/000000000000/scenario/app", repositoryUri);
            String password = ecrCli(ctx, "get-login-password").trim();
            String authFile = ctx.resolve("auth.json").toString();
            run(ctx, podman("login", "--authfile", authFile, "--tls-verify=false", "-u", "AWS", "-p", password,
                    HOST));

            String first = pushImage(ctx, authFile, repositoryUri + ":v1", "first");
            JsonObject described = json(ecrCli(ctx, "describe-images", "--repository-name", "scenario/app"))
                    .getJsonArray("imageDetails").getJsonObject(0);
            assertEquals(first, described.getString("imageDigest"));
            assertEquals("[\"v1\"]", described.getJsonArray("imageTags").toString());
            assertTrue(described.getJsonNumber("imageSizeInBytes").longValue() > 0);

            String manifest = ecrCli(ctx, "batch-get-image", "--repository-name", "scenario/app", "--image-ids",
                    "imageTag=v1", "--query", "images[].imageManifest", "--output", "text").trim();
            ecrCli(ctx, "put-image", "--repository-name", "scenario/app", "--image-tag", "v2", "--image-manifest",
                    manifest);
            assertEquals(first, json(ecrCli(ctx, "describe-images", "--repository-name", "scenario/app",
                    "--image-ids", "imageTag=v2")).getJsonArray("imageDetails").getJsonObject(0)
                    .getString("imageDigest"));

            // A second image takes both tags: the first is left untagged.
            String second = pushImage(ctx, authFile, repositoryUri + ":v1", "second");
            ecrCli(ctx, "put-image", "--repository-name", "scenario/app", "--image-tag", "v2", "--image-manifest",
                    ecrCli(ctx, "batch-get-image", "--repository-name", "scenario/app", "--image-ids",
                            "imageTag=v1", "--query", "images[].imageManifest", "--output", "text").trim());
            JsonArray untagged = json(ecrCli(ctx, "list-images", "--repository-name", "scenario/app",
                    "--filter", "tagStatus=UNTAGGED")).getJsonArray("imageIds");
            assertEquals(1, untagged.size());
            assertEquals(first, untagged.getJsonObject(0).getString("imageDigest"));
            JsonObject deleted = json(ecrCli(ctx, "batch-delete-image", "--repository-name", "scenario/app",
                    "--image-ids", "imageDigest=" + first));
            assertEquals(first, deleted.getJsonArray("imageIds").getJsonObject(0).getString("imageDigest"));
            assertEquals(0, deleted.getJsonArray("failures").size());
            assertNotEquals(first, second);

            Command.Result notEmpty = Command.tryRun(ctx, "/usr/bin/aws", "--endpoint-url", REGISTRY.base, "ecr",
                    "delete-repository", "--repository-name", "scenario/app");
            assertNotEquals(0, notEmpty.exitCode());
            assertTrue(notEmpty.output().contains("RepositoryNotEmptyException"), notEmpty.output());
            ecrCli(ctx, "delete-repository", "--repository-name", "scenario/app", "--force");
            assertEquals(404, REGISTRY.get("/v2/scenario/app/tags/list").statusCode());
        } finally {
            env.keySet().forEach(Command.ENVIRONMENT::remove);
        }
    }

    /**
     * A user allowed everything in ECR on repositories matching {@code repositories}, with an access key; returns
     * the environment that makes the AWS CLI sign as that user.
     */
    private static Map<String, String> cliUser(String user, String repositories) {
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ecr:*\","
                + "\"Resource\":\"arn:aws:ecr:*:000000000000:repository/" + repositories + "\"},{\"Effect\":"
                + "\"Allow\",\"Action\":\"ecr:GetAuthorizationToken\",\"Resource\":\"*\"}]}";
        for (String[] call : List.of(new String[] {"Action", "CreateUser", "UserName", user},
                new String[] {"Action", "PutUserPolicy", "UserName", user, "PolicyName", "ecr", "PolicyDocument",
                        policy})) {
            assertEquals(200, AwsApis.iamSigned(REGISTRY.base, AwsApis.adminKey(REGISTRY.base), call)
                    .statusCode());
        }
        String created = AwsApis.iamSigned(REGISTRY.base, AwsApis.adminKey(REGISTRY.base),
                "Action", "CreateAccessKey", "UserName", user).body();
        return AwsApis.cliEnvironment(new AwsApis.Key(AwsApis.element(created, "AccessKeyId"),
                AwsApis.element(created, "SecretAccessKey")));
    }

    /** Imports a one-file image into podman and pushes it; returns the pushed manifest's digest. */
    private static String pushImage(Path ctx, String authFile, String target, String content) throws IOException {
        Files.writeString(ctx.resolve("file"), content + " " + UUID.randomUUID());
        run(ctx, "tar", "-cf", "rootfs.tar", "file");
        run(ctx, podman("import", "rootfs.tar", "localhost/scenario:" + content));
        Path digestFile = ctx.resolve(content + ".digest");
        run(ctx, podman("push", "--authfile", authFile, "--tls-verify=false", "--digestfile", digestFile.toString(),
                "localhost/scenario:" + content, "docker://" + target));
        return Files.readString(digestFile).trim();
    }

    private static String ecrCli(Path ctx, String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", REGISTRY.base, "--output",
                "json", "ecr"));
        command.addAll(List.of(args));
        return run(ctx, command.toArray(String[]::new));
    }

    @Test
    void podmanPushesAndPullsTheSameImage() throws IOException {
        Command.require("podman");
        Path ctx = Files.createDirectories(work.resolve("podman-ctx"));
        Files.writeString(ctx.resolve("file"), "podman " + UUID.randomUUID());
        run(ctx, "tar", "-cf", "rootfs.tar", "file");
        run(ctx, podman("import", "rootfs.tar", "localhost/clients/podman:1"));
        String id = run(ctx, podman("image", "inspect", "--format", "{{.Id}}", "localhost/clients/podman:1")).trim();
        Path digestFile = work.resolve("podman.digest");
        run(ctx, podman("push", "--tls-verify=false", "--digestfile", digestFile.toString(),
                "localhost/clients/podman:1", "docker://" + HOST + "/clients/podman:1"));
        run(ctx, podman("rmi", "localhost/clients/podman:1"));
        run(ctx, podman("pull", "--tls-verify=false", HOST + "/clients/podman:1"));
        String pulled = run(ctx, podman("image", "inspect", "--format", "{{.Id}} {{.Digest}}",
                HOST + "/clients/podman:1")).trim();
        assertEquals(id + " " + Files.readString(digestFile).trim(), pulled);
    }

    @Test
    void buildahBuildsAndPushesInBothFormats() throws IOException {
        Command.require("buildah");
        Path ctx = Files.createDirectories(work.resolve("buildah-ctx"));
        Files.writeString(ctx.resolve("file"), "buildah " + UUID.randomUUID());
        Files.writeString(ctx.resolve("Containerfile"), "FROM scratch\nCOPY file /file\n");
        run(ctx, buildah("bud", "-t", "localhost/clients/buildah:1", "-f", "Containerfile", "."));
        for (String format : new String[] {"oci", "docker"}) {
            Path digestFile = work.resolve("buildah-" + format + ".digest");
            run(ctx, buildah("push", "--tls-verify=false", "--format", format, "--digestfile", digestFile.toString(),
                    "localhost/clients/buildah:1", "docker://" + HOST + "/clients/buildah:" + format));
            String raw = run(ctx, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + HOST
                    + "/clients/buildah:" + format);
            assertEquals(Files.readString(digestFile).trim(), sha256(RegistryHttp.bytes(raw)));
            assertEquals(format.equals("oci") ? RegistryHttp.OCI_MANIFEST : RegistryHttp.DOCKER_MANIFEST,
                    json(raw).getString("mediaType"));
        }
    }

    // ---- Docker: a dockerd of our own, on a socket in the work directory

    private static DockerDaemon dockerd;

    private static String[] docker(String... args) {
        return dockerd.cli(args);
    }

    @AfterAll
    static void stopDockerdAndCleanUp() throws InterruptedException {
        if (dockerd != null) {
            dockerd.close();
        }
        Command.tryRun(Path.of("/tmp"), "rm", "-rf", work.toString());
        // Later test classes in this JVM (on a full server, all of them) must not look for credentials there.
        Command.ENVIRONMENT.remove("REGISTRY_AUTH_FILE");
        Command.ENVIRONMENT.remove("DOCKER_CONFIG");
    }

    @Test
    void dockerPushesPullsAndSavesTheSameImage() throws Exception {
        dockerd = DockerDaemon.start(work);
        Path ctx = Files.createDirectories(work.resolve("docker-ctx"));
        Files.writeString(ctx.resolve("file"), "docker " + UUID.randomUUID());
        Files.writeString(ctx.resolve("Containerfile"), "FROM scratch\nCOPY file /file\n");
        String image = HOST + "/clients/docker:1";
        run(ctx, prefixed(List.of("env", "DOCKER_BUILDKIT=0"), docker("build", "-f", "Containerfile", "-t", image,
                ".")));
        String id = run(ctx, docker("image", "inspect", "--format", "{{.Id}}", image)).trim();
        assertTrue(run(ctx, docker("login", "-u", "admin", "-p", RegistryHttp.ADMIN_PASSWORD, HOST))
                .contains("Login Succeeded"));
        String push = run(ctx, docker("push", image));
        assertTrue(push.contains("digest: sha256:"), push);
        String pushed = push.substring(push.indexOf("digest: ") + 8).split("\\s")[0];

        run(ctx, docker("rmi", image));
        // Pull with a login token, as `aws ecr get-login-password | docker login -u AWS` does.
        run(ctx, docker("logout", HOST));
        assertTrue(Command.tryRun(ctx, docker("pull", image)).exitCode() != 0, "no anonymous pulls");
        String token = AwsApis.loginPassword(REGISTRY.base, AwsApis.adminKey(REGISTRY.base));
        assertTrue(run(ctx, docker("login", "-u", "AWS", "-p", token, HOST)).contains("Login Succeeded"));
        run(ctx, docker("pull", image));
        assertEquals(id, run(ctx, docker("image", "inspect", "--format", "{{.Id}}", image)).trim());
        assertTrue(run(ctx, docker("image", "inspect", "--format", "{{.RepoDigests}}", image)).contains(pushed));

        // The ECR way: a repository made with the AWS CLI, docker logged in with `aws ecr get-login-password`.
        Map<String, String> env = cliUser("docker-cli", "docker-cli/*");
        Command.ENVIRONMENT.putAll(env);
        try {
            String uri = json(ecrCli(ctx, "create-repository", "--repository-name", "docker-cli/app"))
                    .getJsonObject("repository").getString("repositoryUri");
            String password = ecrCli(ctx, "get-login-password").trim();
            assertTrue(run(ctx, docker("login", "-u", "AWS", "-p", password, HOST)).contains("Login Succeeded"));
            run(ctx, docker("tag", image, uri + ":1"));
            String pushedThere = run(ctx, docker("push", uri + ":1"));
            assertTrue(pushedThere.contains("digest: sha256:"), pushedThere);
            JsonObject described = json(ecrCli(ctx, "describe-images", "--repository-name", "docker-cli/app"))
                    .getJsonArray("imageDetails").getJsonObject(0);
            assertEquals("[\"1\"]", described.getJsonArray("imageTags").toString());
            assertEquals(RegistryHttp.DOCKER_MANIFEST, described.getString("imageManifestMediaType"));
        } finally {
            env.keySet().forEach(Command.ENVIRONMENT::remove);
        }

        Path saved = ctx.resolve("saved.tar");
        run(ctx, docker("save", "-o", saved.toString(), image));
        Path unpacked = Files.createDirectories(ctx.resolve("saved"));
        run(unpacked, "tar", "-xf", saved.toString());
        JsonObject manifest = json(REGISTRY.get("/v2/clients/docker/manifests/1",
                "Accept", RegistryHttp.DOCKER_MANIFEST).body());
        String configDigest = manifest.getJsonObject("config").getString("digest");
        String savedConfig = json(Files.readString(unpacked.resolve("manifest.json")).replaceAll("^\\[|]\\s*$", ""))
                .getString("Config");
        try (InputStream config = Files.newInputStream(unpacked.resolve(savedConfig))) {
            assertEquals(configDigest, sha256(config.readAllBytes()), "docker save holds the pushed config");
        }
        assertEquals(id, configDigest);
    }
}
