package io.berth.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * How to reach the bucket: an endpoint for S3-compatible servers (empty: AWS's own, from the region), path-style
 * addressing (what most non-AWS servers need), credentials (empty: the SDK's default chain), whether blob downloads
 * are redirected to presigned URLs, and the server-side encryption to ask for ("AES256", "aws:kms" or empty).
 */
public record S3Settings(Optional<URI> endpoint, String bucket, String prefix, String region, boolean pathStyle,
                         Optional<String> accessKeyId, Optional<String> secretAccessKey, boolean redirect,
                         Optional<String> encryption, Optional<String> kmsKeyId) {

    /** Connects, creating the bucket when it does not exist (a new S3-compatible server has none). */
    public S3BlobStore connect() {
        AwsCredentialsProvider credentials = accessKeyId.isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId.get(),
                        secretAccessKey.orElseThrow(() -> new IllegalArgumentException(
                                "an S3 access key id needs its secret access key"))))
                : DefaultCredentialsProvider.builder().build();
        var builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                // Checksums only where S3 requires them: S3-compatible servers do not all know the newer ones,
                // and every blob's digest is verified by the registry anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(200)
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)));
        endpoint.ifPresent(builder::endpointOverride);
        S3Client s3 = builder.build();
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
        }
        S3Presigner presigner = null;
        if (redirect) {
            var presign = S3Presigner.builder().region(Region.of(region)).credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
            endpoint.ifPresent(presign::endpointOverride);
            presigner = presign.build();
        }
        return new S3BlobStore(s3, presigner, new S3BlobStore.Location(bucket, prefix,
                encryption.map(ServerSideEncryption::fromValue).orElse(null), kmsKeyId.orElse(null)));
    }
}
