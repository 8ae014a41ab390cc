package io.berth.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.storage.BlobStore.UploadProgress;
import io.berth.testing.S3Proxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The BlobStore contract on S3 (s3proxy), and what is S3's own: prefixes, presigned downloads. */
class S3BlobStoreTest extends BlobStoreContract {

    private static S3Proxy server;

    /** A bucket and prefix of each test's own, so that listings see only what the test stored. */
    private String bucket;
    private String prefix;

    @BeforeAll
    static void startServer() {
        server = S3Proxy.start(Path.of("target/s3-blob-store-test"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newBucket() {
        bucket = "berth-" + UUID.randomUUID().toString().substring(0, 8);
        prefix = "registry/";
    }

    private S3Settings settings(boolean redirect) {
        return new S3Settings(Optional.of(server.endpoint()), bucket, prefix, "us-east-1", true,
                Optional.of(S3Proxy.ACCESS_KEY_ID), Optional.of(S3Proxy.SECRET_ACCESS_KEY), redirect,
                Optional.empty(), Optional.empty());
    }

    @Override
    BlobStore store() {
        return settings(false).connect();
    }

    @Test
    void storesUnderItsPrefixOnlySoThatABucketCanBeShared() throws IOException {
        byte[] data = "under the prefix".getBytes();
        BlobStore store = store();
        UploadProgress sealed = store.seal("0b5e3a8e-7f6c-4a57-9a2e-5a3f6f1c0d11",
                store.append("0b5e3a8e-7f6c-4a57-9a2e-5a3f6f1c0d11", UploadProgress.START,
                        new ByteArrayInputStream(data), (b, o, l) -> { }));
        store.publish("0b5e3a8e-7f6c-4a57-9a2e-5a3f6f1c0d11", sealed, Digest.sha256(data));

        prefix = "another/";
        try (var listed = store().list()) {
            assertEquals(0, listed.count(), "another prefix in the same bucket is another store");
        }
    }

    @Test
    void aPresignedUrlServesTheBlobWithoutCredentials() throws Exception {
        byte[] data = "fetched straight from the bucket".getBytes();
        BlobStore store = settings(true).connect();
        String uploadId = UUID.randomUUID().toString();
        UploadProgress sealed = store.seal(uploadId, store.append(uploadId, UploadProgress.START,
                new ByteArrayInputStream(data), (b, o, l) -> { }));
        Digest digest = Digest.sha256(data);
        store.publish(uploadId, sealed, digest);

        URI url = store.downloadUrl(digest, Duration.ofMinutes(1)).orElseThrow();
        HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fetched.statusCode());
        assertArrayEquals(data, fetched.body());
        assertTrue(store().downloadUrl(digest, Duration.ofMinutes(1)).isEmpty(), "no redirect unless configured");
    }
}
