package io.berth.registry;

import io.berth.storage.BlobStore;
import io.berth.storage.FileSystemBlobStore;
import io.berth.storage.S3Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Chooses the blob store from the settings: the data directory's file system (the default), or an S3 bucket
 * (BERTH_BLOB_STORE=s3), which several instances can share.
 */
@ApplicationScoped
public class BlobStoreProducer {

    @Inject
    RegistrySettings settings;

    @Inject
    @ConfigProperty(name = "berth.blob.store", defaultValue = "filesystem")
    String kind;

    /** An S3-compatible server's URL; empty for AWS itself. */
    @Inject
    @ConfigProperty(name = "berth.s3.endpoint")
    Optional<String> endpoint;

    @Inject
    @ConfigProperty(name = "berth.s3.bucket")
    Optional<String> bucket;

    /** A key prefix, so that one bucket can hold several registries (or other things). */
    @Inject
    @ConfigProperty(name = "berth.s3.prefix")
    Optional<String> prefix;

    @Inject
    @ConfigProperty(name = "berth.s3.region", defaultValue = "us-east-1")
    String region;

    /** Path-style addressing (bucket in the path), which most S3-compatible servers need; on with an endpoint. */
    @Inject
    @ConfigProperty(name = "berth.s3.path.style")
    Optional<Boolean> pathStyle;

    /** Static credentials; without them, the AWS SDK's default chain (environment, profile, instance role). */
    @Inject
    @ConfigProperty(name = "berth.s3.access.key.id")
    Optional<String> accessKeyId;

    @Inject
    @ConfigProperty(name = "berth.s3.secret.access.key")
    Optional<String> secretAccessKey;

    /** Whether blob downloads are answered with a redirect to a presigned URL, so bytes bypass Berth. */
    @Inject
    @ConfigProperty(name = "berth.s3.redirect", defaultValue = "false")
    boolean redirect;

    /** Server-side encryption to ask S3 for: AES256 (SSE-S3) or aws:kms (SSE-KMS, with the key id below). */
    @Inject
    @ConfigProperty(name = "berth.s3.sse")
    Optional<String> encryption;

    @Inject
    @ConfigProperty(name = "berth.s3.sse.kms.key.id")
    Optional<String> kmsKeyId;

    @Produces
    @ApplicationScoped
    public BlobStore blobStore() {
        switch (kind) {
            case "filesystem":
                try {
                    return new FileSystemBlobStore(settings.dataDir());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create the blob store under " + settings.dataDir(), e);
                }
            case "s3":
                return new S3Settings(endpoint.map(URI::create), bucket.orElseThrow(() ->
                        new IllegalStateException("BERTH_BLOB_STORE=s3 needs BERTH_S3_BUCKET")), prefix.orElse(""), region,
                        pathStyle.orElse(endpoint.isPresent()), accessKeyId, secretAccessKey, redirect, encryption,
                        kmsKeyId).connect();
            default:
                throw new IllegalStateException("BERTH_BLOB_STORE is filesystem or s3, not " + kind);
        }
    }
}
