package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running SHA-256 of uploads in progress on this instance, so that each byte is hashed once, while it is written,
 * by the JDK's SHA-256 (seven times as fast here as a digest whose state could be saved in the database, such as
 * Bouncy Castle's: 1,350 against 186 MiB/s). The state is a cache: when another instance took the previous chunk or
 * the server restarted, the next chunk is not hashed and the upload is hashed again from the store at completion.
 * Completing an upload needs no state: the digest of what it holds is saved with it after every chunk.
 */
@ApplicationScoped
public class HashStates {

    record State(long offset, MessageDigest hasher) {
    }

    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Removes and returns the state for an upload at {@code offset}, or null if none matches. */
    State take(String uploadId, long offset) {
        State state = states.remove(uploadId);
        return state != null && state.offset() == offset ? state : null;
    }

    void put(String uploadId, long offset, MessageDigest hasher) {
        if (states.size() >= MAX_ENTRIES) {
            states.clear(); // abandoned uploads: dropping states only costs a re-hash
        }
        states.put(uploadId, new State(offset, hasher));
    }

    void forget(String uploadId) {
        states.remove(uploadId);
    }
}
