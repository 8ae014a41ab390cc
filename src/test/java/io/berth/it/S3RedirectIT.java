package io.berth.it;

import static io.berth.it.Command.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@code BERTH_S3_REDIRECT=true}: a blob GET is answered with a 307 to a short-lived presigned URL on the S3
 * server, and the real clients fetch the bytes from there. Runs where server-config/test.sh provides S3.
 */
@EnabledIfSystemProperty(named = "berth.it.blob.store", matches = "s3")
class S3RedirectIT {

    private static final String CREDS = "admin:" + RegistryHttp.ADMIN_PASSWORD;
    private static ServerProcess server;
    private static Path work;
    private static String address;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "berth-redirect-");
        server = new ServerProcess("redirect", 5074, Map.of("BERTH_S3_REDIRECT", "true",
                "BERTH_JAVA_OPTS", "-Xmx384m")).start();
        address = "127.0.0.1:5074";
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBlobGetIsARedirectToThePresignedObjectAndTheClientsFollowIt() throws Exception {
        Command.require("skopeo");
        Path source = work.resolve("oci-source");
        OciLayout layout = new OciLayout(source);
        String image = layout.image("redirected " + UUID.randomUUID(),
                new String(RegistryHttp.random(3 << 20, 11), StandardCharsets.ISO_8859_1));
        layout.index("v1", image);
        run(work, "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", CREDS,
                "oci:" + source + ":v1", "docker://" + address + "/redirect/image:v1");

        // What a client sees: the 307, its digest, and the object itself at the presigned URL, without credentials.
        String manifest = server.registry.get("/v2/redirect/image/manifests/v1", "Accept", RegistryHttp.OCI_MANIFEST)
                .body();
        String layer = jakarta.json.Json.createReader(new java.io.StringReader(manifest)).readObject()
                .getJsonArray("layers").getJsonObject(1).getString("digest");
        HttpResponse<byte[]> redirect = server.registry.getBytes("/v2/redirect/image/blobs/" + layer);
        assertEquals(307, redirect.statusCode());
        assertEquals(layer, redirect.headers().firstValue("Docker-Content-Digest").orElseThrow());
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(URI.create(System.getProperty("berth.it.s3.endpoint")).getPort(), location.getPort(),
                "the bytes come from the S3 server");
        assertTrue(location.getQuery().contains("X-Amz-Expires="), "a presigned, expiring URL: " + location);
        byte[] fromS3 = HttpClient.newHttpClient().send(HttpRequest.newBuilder(location).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertEquals(layer, RegistryHttp.sha256(fromS3));
        // A ranged GET is still answered by the registry itself.
        HttpResponse<byte[]> range = server.registry.getBytes("/v2/redirect/image/blobs/" + layer,
                "Range", "bytes=10-19");
        assertEquals(206, range.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(fromS3, 10, 20), range.body());

        Path back = work.resolve("oci-back");
        run(work, "skopeo", "copy", "--src-tls-verify=false", "--src-creds", CREDS,
                "docker://" + address + "/redirect/image:v1", "oci:" + back + ":v1");
        String hex = layer.substring("sha256:".length());
        assertArrayEquals(Files.readAllBytes(source.resolve("blobs/sha256/" + hex)),
                Files.readAllBytes(back.resolve("blobs/sha256/" + hex)), "skopeo followed the redirect");

        Command.require("podman");
        run(work, "podman", "--root", work.resolve("podman-root").toString(), "--runroot",
                work.resolve("podman-run").toString(), "--storage-driver", "vfs", "pull", "--tls-verify=false",
                "--creds", CREDS, address + "/redirect/image:v1");

        try (DockerDaemon docker = DockerDaemon.start(work)) {
            run(work, docker.cli("login", "-u", "admin", "-p", RegistryHttp.ADMIN_PASSWORD, address));
            run(work, docker.cli("pull", address + "/redirect/image:v1"));
        }
    }
}
