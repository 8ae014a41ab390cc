package io.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Blobs as files under a root directory: {@code blobs/<algorithm>/<first two hex>/<hex>} for published blobs,
 * {@code uploads/<id>} for uploads in progress. Publishing is fsync then rename, so a blob file is either absent or
 * complete, even after a crash.
 */
public class FileSystemBlobStore implements BlobStore {

    private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int BUFFER_SIZE = 1 << 20;

    private final Path blobs;
    private final Path uploads;

    public FileSystemBlobStore(Path root) throws IOException {
        this.blobs = OwnerOnly.directory(root.resolve("blobs"));
        this.uploads = OwnerOnly.directory(root.resolve("uploads"));
        // Stores made before files were owner-only: the top directories keep everyone else out of what is below.
        OwnerOnly.restrict(blobs);
        OwnerOnly.restrict(uploads);
    }

    /** The file holding a published blob; callers that can send a file directly (sendfile) use it. */
    public Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    private Path uploadPath(String uploadId) {
        if (!UPLOAD_ID.matcher(uploadId).matches()) {
            throw new IllegalArgumentException("invalid upload id");
        }
        return uploads.resolve(uploadId);
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        return sizeOf(blobPath(digest));
    }

    @Override
    public InputStream open(Digest digest, long offset, long length) throws IOException {
        FileChannel channel = FileChannel.open(blobPath(digest), StandardOpenOption.READ);
        channel.position(offset);
        return new BoundedInputStream(Channels.newInputStream(channel), length);
    }

    @Override
    public Stream<StoredBlob> list() throws IOException {
        // blobs/<algorithm>/<two hex>/<hex>: anything else is not a blob this store wrote.
        return Files.find(blobs, 3, (path, attributes) -> attributes.isRegularFile()
                        && blobs.relativize(path).getNameCount() == 3)
                .flatMap(path -> {
                    String name = path.getParent().getParent().getFileName() + ":" + path.getFileName();
                    if (!Digest.isDigest(name)) {
                        return Stream.empty();
                    }
                    try {
                        return Stream.of(new StoredBlob(Digest.parse(name), Files.size(path)));
                    } catch (IOException goneMeanwhile) {
                        return Stream.empty();
                    }
                });
    }

    @Override
    public void delete(Digest digest) throws IOException {
        Files.deleteIfExists(blobPath(digest));
    }

    /**
     * Appends under a file lock, after cutting off whatever a failed append left past {@code at}: the caller's
     * progress, not the file's length, says how far the upload has come.
     */
    @Override
    public UploadProgress append(String uploadId, UploadProgress at, InputStream data, ByteSink sink)
            throws IOException {
        Path path = uploadPath(uploadId);
        if (at.size() == 0) {
            try {
                Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        OwnerOnly.file()).close();
            } catch (FileAlreadyExistsException retried) {
                // an earlier first chunk failed: it is cut off below
            }
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            long size = channel.size();
            if (lock == null) {
                throw new UploadOffsetException(at.size(), size); // another chunk of this upload is being written
            }
            if (size < at.size()) {
                throw new IOException("upload " + uploadId + " holds " + size + " bytes, fewer than its "
                        + at.size());
            }
            channel.truncate(at.size());
            channel.position(at.size());
            byte[] buffer = new byte[BUFFER_SIZE];
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            BackgroundFlush flush = new BackgroundFlush(channel);
            int n;
            while ((n = data.readNBytes(buffer, 0, BUFFER_SIZE)) > 0) {
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    channel.write(wrapped);
                }
                sink.accept(buffer, 0, n);
                flush.written(n);
            }
            flush.await();
            return new UploadProgress(channel.position(), "");
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("upload " + uploadId);
        }
    }

    /**
     * Flushes what an append wrote to disk while the append goes on, so that publishing a large blob does not wait
     * for all of its bytes to reach the disk at once (the kernel would otherwise hold a whole 1 GiB upload in dirty
     * pages until the final fsync).
     */
    private static final class BackgroundFlush {
        private static final long EVERY_BYTES = 64L << 20;
        private final FileChannel channel;
        private long unflushed;
        private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

        BackgroundFlush(FileChannel channel) {
            this.channel = channel;
        }

        void written(int bytes) {
            unflushed += bytes;
            if (unflushed >= EVERY_BYTES && running.isDone()) {
                unflushed = 0;
                running = CompletableFuture.runAsync(() -> {
                    try {
                        channel.force(false);
                    } catch (IOException e) {
                        // best effort: publish() forces the whole file and reports failures
                    }
                }, FLUSHER);
            }
        }

        void await() {
            running.join();
        }
    }

    private static final Executor FLUSHER = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "berth-blob-flush");
        thread.setDaemon(true);
        return thread;
    });

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    @Override
    public UploadProgress seal(String uploadId, UploadProgress at) throws IOException {
        Path path = uploadPath(uploadId);
        if (at.size() == 0) {
            append(uploadId, at, InputStream.nullInputStream(), (bytes, offset, length) -> { });
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(at.size());
            channel.force(true);
        }
        return at;
    }

    @Override
    public InputStream openUpload(String uploadId, UploadProgress sealed) throws IOException {
        return new BoundedInputStream(Files.newInputStream(uploadPath(uploadId)), sealed.size());
    }

    @Override
    public void publish(String uploadId, UploadProgress sealed, Digest digest) throws IOException {
        Path target = blobPath(digest);
        OwnerOnly.directory(target.getParent());
        try {
            Files.move(uploadPath(uploadId), target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the blob store needs uploads and blobs on one file system", e);
        }
    }

    @Override
    public void deleteUpload(String uploadId) throws IOException {
        Files.deleteIfExists(uploadPath(uploadId));
    }

    @Override
    public void checkWritable() throws IOException {
        Path probe = Files.createTempFile(uploads, "readiness-", ".probe");
        Files.delete(probe);
    }

    private static OptionalLong sizeOf(Path path) throws IOException {
        try {
            return OptionalLong.of(Files.size(path));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
    }
}
