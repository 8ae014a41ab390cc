package io.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/** A small registry client for the integration tests: raw HTTP, as the spec describes each request. */
public final class RegistryHttp {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    /** The administrator's password the tests start the registry with (see the failsafe configuration). */
    public static final String ADMIN_PASSWORD = System.getProperty("berth.it.admin.password", "it-admin-password");

    public final String base;
    /** The Authorization header sent with every request unless a test gives its own; null for none. */
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public RegistryHttp(String base) {
        this(base, basic("admin", ADMIN_PASSWORD));
    }

    private RegistryHttp(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** The registry the Arquillian container started, on loopback, as its administrator. */
    public static RegistryHttp forTests() {
        return new RegistryHttp("http://127.0.0.1:" + System.getProperty("berth.it.port", "5055"));
    }

    /** The same registry as another user (Basic), or anonymous with null. */
    public RegistryHttp as(String user, String password) {
        return new RegistryHttp(base, user == null ? null : basic(user, password));
    }

    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void authorize(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                return;
            }
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
    }

    public HttpResponse<String> send(String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        authorize(request, headers);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> getBytes(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(5));
        authorize(request, headers);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    /** Pushes a blob with a monolithic POST ?digest= and returns its digest. */
    public String pushBlob(String repository, byte[] content) {
        String digest = sha256(content);
        HttpResponse<String> response = send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + digest,
                content, "Content-Type", "application/octet-stream");
        assertEquals(201, response.statusCode(), response.body());
        return digest;
    }

    public HttpResponse<String> putManifest(String repository, String reference, String mediaType, String json) {
        return send("PUT", "/v2/" + repository + "/manifests/" + reference, bytes(json), "Content-Type", mediaType);
    }

    /** Pushes a config and one layer, and returns an image manifest (not yet pushed) that references them. */
    public String imageManifest(String repository, String mediaType, String layerText) {
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        String configDigest = pushBlob(repository, bytes(config));
        byte[] layer = bytes(layerText);
        String layerDigest = pushBlob(repository, layer);
        boolean docker = mediaType.equals(DOCKER_MANIFEST);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":{\"mediaType\":\""
                + (docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json")
                + "\",\"digest\":\"" + configDigest + "\",\"size\":" + bytes(config).length + "},\"layers\":[{"
                + "\"mediaType\":\"" + (docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                : "application/vnd.oci.image.layer.v1.tar+gzip") + "\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}";
    }

    public static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** The first error code of an OCI error body. */
    public static String errorCode(HttpResponse<String> response) {
        return json(response.body()).getJsonArray("errors").getJsonObject(0).getString("code");
    }

    public static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    public static String sha256(byte[] content) {
        return digest("SHA-256", "sha256", content);
    }

    public static String sha512(byte[] content) {
        return digest("SHA-512", "sha512", content);
    }

    private static String digest(String javaName, String name, byte[] content) {
        try {
            return name + ":" + HexFormat.of().formatHex(MessageDigest.getInstance(javaName).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
