package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.random;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageDetail;

/**
 * What only a whole server shows, on Payara Server and WildFly as {@code server-config/payara-server.sh} and
 * {@code server-config/wildfly.sh} set them up: the lifecycle timer fires there, and images and an interrupted upload
 * survive a restart of the server; over the HTTPS listener the script configured, skopeo, podman and the AWS CLI work
 * with the certificate trusted and refuse it otherwise. Runs when {@code server-config/test.sh} names the script and the server's directory
 * ({@code berth.it.server.script}, {@code berth.it.server.dir}); on Payara Micro, LifecycleIT and RestartIT show the
 * same with servers of their own.
 */
@EnabledIfSystemProperty(named = "berth.it.server.script", matches = ".+")
@ExtendWith(ArquillianExtension.class)
class DeployedServerIT {

    private static final RegistryHttp ADMIN = RegistryHttp.forTests();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")));
    }

    @Test
    void theLifecycleTimerExpiresImages() throws Exception {
        String repo = "deployed/lifecycle-" + System.nanoTime();
        List<String> digests = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String manifest = ADMIN.imageManifest(repo, OCI_MANIFEST, "release " + i);
            assertEquals(201, ADMIN.putManifest(repo, "release-" + i, OCI_MANIFEST, manifest).statusCode());
            digests.add(sha256(bytes(manifest)));
        }
        try (EcrClient ecr = AwsApis.ecr(ADMIN.base, AwsApis.adminKey(ADMIN.base))) {
            ecr.putLifecyclePolicy(r -> r.repositoryName(repo).lifecyclePolicyText("""
                    {"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["release"],
                     "countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"""));
            // The servers' tests evaluate policies every 2 s (BERTH_LIFECYCLE_INTERVAL_SECONDS).
            LifecycleIT.waitUntil(Duration.ofSeconds(60), () -> ecr.getLifecyclePolicy(r -> r.repositoryName(repo))
                    .lastEvaluatedAt() != null);
            Set<String> remaining = ecr.describeImages(r -> r.repositoryName(repo)).imageDetails().stream()
                    .map(ImageDetail::imageDigest).collect(Collectors.toSet());
            assertEquals(Set.of(digests.get(2)), remaining, "the newest release is kept, the others expired");
        }
    }

    @Test
    void theClientsWorkOverTheHttpsListenerTheScriptConfigured() throws Exception {
        int tlsPort = Integer.parseInt(System.getProperty("berth.it.tls.port"));
        Path certificates = Path.of(System.getProperty("berth.it.tls.certificates"));
        TlsClients clients = new TlsClients(Files.createTempDirectory("berth-tls"), tlsPort, certificates);
        HttpClient https = HttpClient.newBuilder().sslContext(clients.sslContext()).build();
        HttpResponse<String> ping = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort
                + "/v2/")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, ping.statusCode());
        assertEquals("max-age=600", ping.headers().firstValue("Strict-Transport-Security").orElseThrow());
        String repository = "deployed/tls-" + System.nanoTime();
        clients.pushWithSkopeoAndPullWithPodman(repository);
        clients.describeWithTheAwsCli(AwsApis.adminKey(ADMIN.base), repository);
    }

    @Test
    void imagesAndAnInterruptedUploadSurviveARestartOfTheServer() throws Exception {
        String name = "deployed/restart-" + System.nanoTime();
        String manifest = ADMIN.imageManifest(name, OCI_MANIFEST, "survives a server restart");
        assertEquals(201, ADMIN.putManifest(name, "v1", OCI_MANIFEST, manifest).statusCode());
        byte[] blob = random(8 * 1024 * 1024, 7);
        int half = blob.length / 2;
        String location = ADMIN.send("POST", "/v2/" + name + "/blobs/uploads/", null)
                .headers().firstValue("Location").orElseThrow();
        assertEquals(202, ADMIN.send("PATCH", location, Arrays.copyOfRange(blob, 0, half),
                "Content-Range", "0-" + (half - 1)).statusCode());

        String script = System.getProperty("berth.it.server.script");
        String directory = System.getProperty("berth.it.server.dir");
        Path work = Files.createTempDirectory("berth-restart");
        Command.run(work, script, "stop", directory);
        Command.run(work, script, "start", directory);

        assertEquals(manifest, ADMIN.get("/v2/" + name + "/manifests/v1").body());
        HttpResponse<String> status = ADMIN.get(location);
        assertEquals(204, status.statusCode());
        assertEquals("0-" + (half - 1), status.headers().firstValue("Range").orElseThrow());
        HttpResponse<String> done = ADMIN.send("PUT", location + "?digest=" + sha256(blob),
                Arrays.copyOfRange(blob, half, blob.length), "Content-Range", half + "-" + (blob.length - 1));
        assertEquals(201, done.statusCode(), done.body());
        assertArrayEquals(blob, ADMIN.getBytes("/v2/" + name + "/blobs/" + sha256(blob)).body());
    }
}
