package io.berth.it;

import io.berth.testing.S3Proxy;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Where the integration tests' servers keep blobs: their data directories, or, when server-config/test.sh started
 * an S3 server ({@code berth.it.s3.endpoint}), a bucket of each server's own on it. Tests look into the store only
 * to find what the registry's API cannot show (files that no row names); they check blobs through the API.
 */
final class TestBlobStorage {

    /** The keys server-config/test.sh gives its s3proxy: those of the tests' own S3 server. */
    static final String ACCESS_KEY_ID = S3Proxy.ACCESS_KEY_ID;
    static final String SECRET_ACCESS_KEY = S3Proxy.SECRET_ACCESS_KEY;

    private TestBlobStorage() {
    }

    private static String endpoint() {
        return System.getProperty("berth.it.s3.endpoint", "none");
    }

    static boolean onS3() {
        return System.getProperty("berth.it.blob.store", "filesystem").equals("s3");
    }

    /** The BERTH_… settings that give a server its own bucket, or none for the file system. */
    static Map<String, String> settings(String bucket) {
        if (!onS3()) {
            return Map.of();
        }
        return Map.of("BERTH_BLOB_STORE", "s3", "BERTH_S3_ENDPOINT", endpoint(), "BERTH_S3_BUCKET", bucket,
                "BERTH_S3_ACCESS_KEY_ID", ACCESS_KEY_ID, "BERTH_S3_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
    }

    /** A valid bucket name for a server. */
    static String bucketFor(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "-");
    }

    /** The digests ({@code sha256:<hex>}) of the blobs in a server's store. */
    static Set<String> blobs(Path data, String bucket) throws IOException {
        if (onS3()) {
            try (S3Client s3 = client()) {
                return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("blobs/")).contents().stream()
                        .map(S3Object::key)
                        .map(key -> key.split("/"))
                        .map(path -> path[1] + ":" + path[3])
                        .collect(Collectors.toCollection(TreeSet::new));
            }
        }
        try (Stream<Path> files = Files.walk(data.resolve("blobs"))) {
            return files.filter(Files::isRegularFile)
                    .map(f -> f.getParent().getParent().getFileName() + ":" + f.getFileName())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Stores a blob that no database row names, as an upload killed between publishing and committing leaves. */
    static void putOrphan(Path data, String bucket, String sha256Hex, byte[] content) throws IOException {
        String relative = "blobs/sha256/" + sha256Hex.substring(0, 2) + "/" + sha256Hex;
        if (onS3()) {
            try (S3Client s3 = client()) {
                s3.putObject(b -> b.bucket(bucket).key(relative), RequestBody.fromBytes(content));
            }
            return;
        }
        Path file = data.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static S3Client client() {
        return S3Client.builder().endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .build();
    }
}
