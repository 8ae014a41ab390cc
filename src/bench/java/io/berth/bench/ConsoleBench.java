package io.berth.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times the web console's pages on a registry holding many images and repositories. JDK only, one file, run with the
 * source launcher:
 *
 * <pre>
 * java src/bench/java/io/berth/bench/ConsoleBench.java --url http://127.0.0.1:5000 --user admin --password P \
 *     [--images 10000] [--repositories 10000] [--rounds 50] [--concurrency 8] [--skip-data]
 * </pre>
 *
 * <p>Data: {@code --images} OCI images tagged {@code t-<i>} in {@code bench/console} (one config and one layer blob
 * shared by all, each manifest made unique by an annotation), and {@code --repositories} repositories
 * {@code bench/r-<i>} holding one image each (the blobs mounted from {@code bench/console}): only manifest PUTs and
 * mounts, {@code --concurrency} at a time. Then it signs in to the console as a browser does and GETs each page
 * {@code --rounds} times after 5 unmeasured ones, and prints the median, 90th percentile and maximum time from
 * request to the last byte of the page, on loopback (the server's time, as near as a client can see it).
 */
public final class ConsoleBench {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--images", "10000", "--repositories", "10000",
                "--rounds", "50", "--concurrency", "8"));
        boolean skipData = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--skip-data")) {
                skipData = true;
            } else {
                options.put(args[i], args[++i]);
            }
        }
        String url = options.get("--url");
        String basic = "Basic " + Base64.getEncoder().encodeToString((options.get("--user") + ":"
                + options.get("--password")).getBytes(StandardCharsets.UTF_8));
        if (!skipData) {
            long started = System.nanoTime();
            generate(url, basic, Integer.parseInt(options.get("--images")),
                    Integer.parseInt(options.get("--repositories")), Integer.parseInt(options.get("--concurrency")));
            System.out.printf(Locale.ROOT, "data: %s images, %s repositories in %.1f s%n", options.get("--images"),
                    options.get("--repositories"), (System.nanoTime() - started) / 1e9);
        }
        String cookie = signIn(url, options.get("--user"), options.get("--password"));
        int rounds = Integer.parseInt(options.get("--rounds"));
        System.out.println("page                                          median ms   p90 ms   max ms   bytes");
        for (String page : List.of("/console", "/console/repositories", "/console/repositories?prefix=bench/r-5",
                "/console/repositories/bench/console", "/console/repositories/bench/console?from=5000",
                "/console/audit", "/console/usage")) {
            time(url + page, cookie, rounds);
        }
    }

    private static void generate(String url, String basic, int images, int repositories, int concurrency)
            throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = "console bench layer".getBytes(StandardCharsets.UTF_8);
        String configDigest = pushBlob(url, basic, "bench/console", config);
        String layerDigest = pushBlob(url, basic, "bench/console", layer);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}],\"annotations\":{\"n\":\"%s\"}}";
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            int n = i;
            work.add(pool.submit(() -> expect(201, send(url + "/v2/bench/console/manifests/t-" + n, basic, "PUT",
                    String.format(manifest, "image " + n), OCI_MANIFEST))));
        }
        for (int i = 0; i < repositories; i++) {
            String name = "bench/r-" + i;
            work.add(pool.submit(() -> {
                for (String digest : List.of(configDigest, layerDigest)) {
                    expect(201, send(url + "/v2/" + name + "/blobs/uploads/?mount=" + digest + "&from=bench/console",
                            basic, "POST", "", null));
                }
                return expect(201, send(url + "/v2/" + name + "/manifests/v1", basic, "PUT",
                        String.format(manifest, name), OCI_MANIFEST));
            }));
        }
        for (Future<?> each : work) {
            each.get();
        }
        pool.shutdown();
    }

    private static String pushBlob(String url, String basic, String repository, byte[] content) throws Exception {
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v2/" + repository
                        + "/blobs/uploads/?digest=" + digest)).header("Authorization", basic)
                .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(content)).build(),
                BodyHandlers.ofString());
        expect(201, response);
        return digest;
    }

    private static HttpResponse<String> send(String url, String basic, String method, String body, String type)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic)
                .method(method, BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return HTTP.send(request.build(), BodyHandlers.ofString());
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().uri() + ": " + response.statusCode() + " "
                    + response.body());
        }
        return response;
    }

    /** Signs in with the console's form, as a browser on the console's own page sends it; the session cookie. */
    private static String signIn(String url, String user, String password) throws Exception {
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", url)
                .POST(BodyPublishers.ofString(form)).build(), BodyHandlers.ofString());
        expect(303, response);
        Matcher cookie = Pattern.compile("^(BERTH_CONSOLE=[^;]+)").matcher(response.headers()
                .firstValue("Set-Cookie").orElseThrow());
        if (!cookie.find()) {
            throw new IllegalStateException("no session cookie");
        }
        return cookie.group(1);
    }

    private static void time(String url, String cookie, int rounds) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).build();
        long[] nanos = new long[rounds];
        int bytes = 0;
        for (int i = -5; i < rounds; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = HTTP.send(request, BodyHandlers.ofByteArray());
            long took = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + ": " + response.statusCode());
            }
            if (i >= 0) {
                nanos[i] = took;
                bytes = response.body().length;
            }
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-45s %9.1f %8.1f %8.1f %7d%n", url.substring(url.indexOf("/console")),
                nanos[rounds / 2] / 1e6, nanos[rounds * 9 / 10] / 1e6, nanos[rounds - 1] / 1e6, bytes);
    }
}
