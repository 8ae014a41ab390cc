package io.berth.storage;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Blobs in an S3 bucket: {@code <prefix>blobs/<algorithm>/<first two hex>/<hex>} for published blobs and
 * {@code <prefix>uploads/<id>/…} for uploads in progress.
 *
 * <p>An upload's bytes go into an S3 multipart upload in parts of {@link #PART_SIZE}; what is left at the end of a
 * chunk (less than a part; S3 wants at least 5 MiB in every part but the last) is written as a "tail" object, which
 * the next chunk reads back and completes to a part. The upload's state (its multipart upload, its parts, its tail)
 * is a small JSON text that the caller keeps in the database, so the next chunk may reach any instance. Nothing of a
 * blob is visible under its digest until {@link #publish}, which copies the sealed upload there.
 */
public class S3BlobStore implements BlobStore {

    /** The size of each part: S3's 5 MiB minimum with room, and few enough parts for a large layer. */
    static final int PART_SIZE = 8 << 20;
    private static final int FIRST_BUFFER = 64 << 10;
    /** The largest object S3 copies in one request; larger ones are copied part by part. */
    static final long MAX_SINGLE_COPY = 5L << 30;
    private static final long COPY_PART_SIZE = 512L << 20;

    /** The bucket and how to write to it. */
    public record Location(String bucket, String prefix, ServerSideEncryption encryption, String kmsKeyId) {
        public Location {
            prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/") ? nullToEmpty(prefix) : prefix + "/";
        }

        private static String nullToEmpty(String text) {
            return text == null ? "" : text;
        }
    }

    /** One part upload in flight while the next part is read from the client. */
    private static final ExecutorService PART_UPLOADS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "berth-s3-part");
        thread.setDaemon(true);
        return thread;
    });

    private final S3Client s3;
    private final S3Presigner presigner;
    private final Location location;

    /** {@code presigner} is null when blob downloads are not redirected to the bucket. */
    public S3BlobStore(S3Client s3, S3Presigner presigner, Location location) {
        this.s3 = s3;
        this.presigner = presigner;
        this.location = location;
    }

    private String blobKey(Digest digest) {
        return location.prefix() + "blobs/" + digest.algorithm() + "/" + digest.hex().substring(0, 2) + "/"
                + digest.hex();
    }

    private String uploadPrefix(String uploadId) {
        UUID.fromString(uploadId); // ids are UUIDs: nothing else can name a key
        return location.prefix() + "uploads/" + uploadId + "/";
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        try {
            return OptionalLong.of(call(() -> s3.headObject(b -> b.bucket(location.bucket()).key(blobKey(digest))))
                    .contentLength());
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public InputStream open(Digest digest, long offset, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream(); // S3 has no empty range
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        return new BoundedInputStream(call(() -> s3.getObject(b -> b.bucket(location.bucket())
                .key(blobKey(digest)).range(range))), length);
    }

    @Override
    public Optional<URI> downloadUrl(Digest digest, Duration validity) {
        if (presigner == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(presigner.presignGetObject(b -> b.signatureDuration(validity)
                    .getObjectRequest(r -> r.bucket(location.bucket()).key(blobKey(digest)))).url().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the presigned URL is not a URI", e);
        }
    }

    @Override
    public Stream<StoredBlob> list() throws IOException {
        String blobs = location.prefix() + "blobs/";
        return call(() -> s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(blobs)))
                .contents().stream()
                .flatMap(object -> storedBlob(object, blobs).stream());
    }

    /** blobs/<algorithm>/<two hex>/<hex>: anything else is not a blob this store wrote. */
    private static Optional<StoredBlob> storedBlob(S3Object object, String blobs) {
        String[] path = object.key().substring(blobs.length()).split("/");
        if (path.length != 3 || !Digest.isDigest(path[0] + ":" + path[2]) || !path[2].startsWith(path[1])) {
            return Optional.empty();
        }
        return Optional.of(new StoredBlob(Digest.parse(path[0] + ":" + path[2]), object.size()));
    }

    @Override
    public void delete(Digest digest) throws IOException {
        call(() -> s3.deleteObject(b -> b.bucket(location.bucket()).key(blobKey(digest))));
    }

    /** What the caller keeps for an upload: its multipart upload and parts, its tail, or the sealed object. */
    private record State(String multipartId, List<CompletedPart> parts, String tailKey, long tailSize,
                         String sealedKey) {

        static State parse(String text) {
            if (text.isEmpty()) {
                return new State(null, List.of(), null, 0, null);
            }
            JsonObject json = Json.createReader(new StringReader(text)).readObject();
            List<CompletedPart> parts = new ArrayList<>();
            for (JsonValue part : json.getJsonArray("parts")) {
                JsonObject p = part.asJsonObject();
                parts.add(CompletedPart.builder().partNumber(p.getInt("n")).eTag(p.getString("etag")).build());
            }
            return new State(json.getString("multipart", null), parts, json.getString("tail", null),
                    json.getJsonNumber("tailSize").longValue(), json.getString("sealed", null));
        }

        String text() {
            JsonArrayBuilder partList = Json.createArrayBuilder();
            parts.forEach(p -> partList.add(Json.createObjectBuilder().add("n", p.partNumber()).add("etag", p.eTag())));
            JsonObjectBuilder json = Json.createObjectBuilder().add("parts", partList).add("tailSize", tailSize);
            if (multipartId != null) {
                json.add("multipart", multipartId);
            }
            if (tailKey != null) {
                json.add("tail", tailKey);
            }
            if (sealedKey != null) {
                json.add("sealed", sealedKey);
            }
            return json.build().toString();
        }
    }

    @Override
    public UploadProgress append(String uploadId, UploadProgress at, InputStream data, ByteSink sink)
            throws IOException {
        State state = State.parse(at.state());
        if (state.sealedKey() != null) {
            throw new UploadOffsetException(at.size(), at.size());
        }
        String prefix = uploadPrefix(uploadId);
        String dataKey = prefix + "data";
        // Small first, grown to a part as bytes come: a config blob of a kilobyte takes no 8 MiB buffer.
        byte[] buffer = new byte[(int) Math.max(FIRST_BUFFER, state.tailSize())];
        byte[] spare = null;
        int filled = 0;
        if (state.tailKey() != null) {
            try (InputStream tail = call(() -> s3.getObject(b -> b.bucket(location.bucket()).key(state.tailKey())))) {
                filled = tail.readNBytes(buffer, 0, (int) state.tailSize());
            }
            if (filled != state.tailSize()) {
                throw new IOException("the tail of upload " + uploadId + " is shorter than recorded");
            }
        }
        String multipartId = state.multipartId();
        List<CompletedPart> parts = new ArrayList<>(state.parts());
        CompletableFuture<CompletedPart> inFlight = null;
        long received = 0;
        try {
            int n;
            while (true) {
                if (filled == buffer.length && buffer.length < PART_SIZE) {
                    buffer = Arrays.copyOf(buffer, Math.min(PART_SIZE, buffer.length * 4));
                }
                n = data.readNBytes(buffer, filled, buffer.length - filled);
                if (n == 0) {
                    break;
                }
                sink.accept(buffer, filled, n);
                filled += n;
                received += n;
                if (filled == PART_SIZE) {
                    if (multipartId == null) {
                        multipartId = createMultipartUpload(dataKey);
                    }
                    if (inFlight != null) {
                        parts.add(join(inFlight));
                    }
                    inFlight = uploadPartAsync(dataKey, multipartId, parts.size() + 1, buffer, PART_SIZE);
                    byte[] swap = buffer;
                    buffer = spare != null ? spare : new byte[PART_SIZE];
                    spare = swap;
                    filled = 0;
                }
            }
            if (inFlight != null) {
                parts.add(join(inFlight));
                inFlight = null;
            }
        } finally {
            if (inFlight != null) {
                inFlight.cancel(false);
            }
        }
        String tailKey = null;
        if (filled > 0) {
            tailKey = prefix + "tail-" + UUID.randomUUID();
            putObject(tailKey, buffer, filled);
        }
        if (state.tailKey() != null) {
            // Its bytes are in the new tail or a part now.
            String oldTail = state.tailKey();
            call(() -> s3.deleteObject(b -> b.bucket(location.bucket()).key(oldTail)));
        }
        State next = new State(multipartId, parts, tailKey, filled, null);
        return new UploadProgress(at.size() + received, next.text());
    }

    @Override
    public UploadProgress seal(String uploadId, UploadProgress at) throws IOException {
        State state = State.parse(at.state());
        if (state.sealedKey() != null) {
            return at;
        }
        String prefix = uploadPrefix(uploadId);
        String sealedKey;
        if (state.multipartId() == null) {
            if (state.tailKey() != null) {
                sealedKey = state.tailKey(); // less than a part: the tail is the whole upload
            } else {
                sealedKey = prefix + "empty";
                putObject(sealedKey, new byte[0], 0);
            }
        } else {
            String dataKey = prefix + "data";
            List<CompletedPart> parts = new ArrayList<>(state.parts());
            if (state.tailKey() != null) {
                byte[] tail;
                try (InputStream in = call(() -> s3.getObject(b -> b.bucket(location.bucket())
                        .key(state.tailKey())))) {
                    tail = in.readAllBytes();
                }
                parts.add(join(uploadPartAsync(dataKey, state.multipartId(), parts.size() + 1, tail, tail.length)));
            }
            call(() -> s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(dataKey)
                    .uploadId(state.multipartId()).multipartUpload(m -> m.parts(parts))));
            sealedKey = dataKey;
        }
        return new UploadProgress(at.size(), new State(null, List.of(), null, 0, sealedKey).text());
    }

    @Override
    public InputStream openUpload(String uploadId, UploadProgress sealed) throws IOException {
        String key = sealedKey(sealed);
        return new BoundedInputStream(call(() -> s3.getObject(b -> b.bucket(location.bucket()).key(key))),
                sealed.size());
    }

    @Override
    public void publish(String uploadId, UploadProgress sealed, Digest digest) throws IOException {
        String from = sealedKey(sealed);
        String to = blobKey(digest);
        if (sealed.size() <= MAX_SINGLE_COPY) {
            call(() -> s3.copyObject(b -> {
                b.sourceBucket(location.bucket()).sourceKey(from).destinationBucket(location.bucket())
                        .destinationKey(to).serverSideEncryption(location.encryption())
                        .ssekmsKeyId(location.kmsKeyId());
            }));
        } else {
            copyInParts(from, to, sealed.size());
        }
        deleteUpload(uploadId);
    }

    private void copyInParts(String from, String to, long size) throws IOException {
        String multipartId = createMultipartUpload(to);
        List<CompletedPart> parts = new ArrayList<>();
        for (long offset = 0; offset < size; offset += COPY_PART_SIZE) {
            int number = parts.size() + 1;
            String range = "bytes=" + offset + "-" + (Math.min(offset + COPY_PART_SIZE, size) - 1);
            String eTag = call(() -> s3.uploadPartCopy(b -> b.sourceBucket(location.bucket()).sourceKey(from)
                    .destinationBucket(location.bucket()).destinationKey(to).uploadId(multipartId)
                    .partNumber(number).copySourceRange(range))).copyPartResult().eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
        }
        call(() -> s3.completeMultipartUpload(b -> b.bucket(location.bucket()).key(to).uploadId(multipartId)
                .multipartUpload(m -> m.parts(parts))));
    }

    private String sealedKey(UploadProgress sealed) {
        String key = State.parse(sealed.state()).sealedKey();
        if (key == null) {
            throw new IllegalArgumentException("the upload is not sealed");
        }
        return key;
    }

    @Override
    public void deleteUpload(String uploadId) throws IOException {
        String prefix = uploadPrefix(uploadId);
        for (var upload : call(() -> s3.listMultipartUploads(b -> b.bucket(location.bucket()).prefix(prefix)))
                .uploads()) {
            call(() -> s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(upload.key())
                    .uploadId(upload.uploadId())));
        }
        for (S3Object object : call(() -> s3.listObjectsV2(b -> b.bucket(location.bucket()).prefix(prefix)))
                .contents()) {
            call(() -> s3.deleteObject(b -> b.bucket(location.bucket()).key(object.key())));
        }
    }

    @Override
    public void checkWritable() throws IOException {
        String key = location.prefix() + "uploads/readiness-" + UUID.randomUUID();
        putObject(key, new byte[0], 0);
        call(() -> s3.deleteObject(b -> b.bucket(location.bucket()).key(key)));
    }

    private String createMultipartUpload(String key) throws IOException {
        return call(() -> s3.createMultipartUpload(b -> b.bucket(location.bucket()).key(key)
                .serverSideEncryption(location.encryption()).ssekmsKeyId(location.kmsKeyId()))).uploadId();
    }

    private void putObject(String key, byte[] bytes, int length) throws IOException {
        call(() -> s3.putObject(b -> b.bucket(location.bucket()).key(key).contentLength((long) length)
                        .serverSideEncryption(location.encryption()).ssekmsKeyId(location.kmsKeyId()),
                RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length)));
    }

    private CompletableFuture<CompletedPart> uploadPartAsync(String key, String multipartId, int number,
                                                             byte[] bytes, int length) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                String eTag = call(() -> s3.uploadPart(b -> b.bucket(location.bucket()).key(key)
                                .uploadId(multipartId).partNumber(number).contentLength((long) length),
                        RequestBody.fromInputStream(new ByteArrayInputStream(bytes, 0, length), length))).eTag();
                return CompletedPart.builder().partNumber(number).eTag(eTag).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, PART_UPLOADS);
    }

    private static CompletedPart join(CompletableFuture<CompletedPart> part) throws IOException {
        try {
            return part.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IOException("uploading a part failed", e.getCause());
        }
    }

    /** Calls S3; a missing key is a NoSuchFileException, any other failure an IOException. */
    private static <T> T call(Supplier<T> request) throws IOException {
        try {
            return request.get();
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(e.getMessage());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(e.getMessage());
            }
            throw new IOException("S3 refused: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 cannot be reached: " + e.getMessage(), e);
        }
    }
}
