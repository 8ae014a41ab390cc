package io.berth.registry;

/**
 * One garbage collection run, as it goes and when it has ended: {@code state} RUNNING, COMPLETE or FAILED, the
 * phase it is in, the blobs stored when it started, how many no image referenced, how many it deleted and their
 * bytes, and the abandoned uploads it removed. Times are epoch millis; {@code finishedAt} is null while it runs.
 */
public record CollectionReport(long id, String state, String phase, String owner, long startedAt, Long finishedAt,
                               long blobsStored, long blobsUnreferenced, long blobsDeleted, long bytesDeleted,
                               long uploadsDeleted, String message) {

    public static final String RUNNING = "RUNNING";
    public static final String COMPLETE = "COMPLETE";
    public static final String FAILED = "FAILED";

    CollectionReport progressed(String phase, long unreferenced, long deleted, long bytes, long uploads) {
        return new CollectionReport(id, state, phase, owner, startedAt, finishedAt, blobsStored, unreferenced,
                deleted, bytes, uploads, message);
    }

    CollectionReport ended(String state, long at, String message) {
        return new CollectionReport(id, state, "done", owner, startedAt, at, blobsStored, blobsUnreferenced,
                blobsDeleted, bytesDeleted, uploadsDeleted, message);
    }
}
