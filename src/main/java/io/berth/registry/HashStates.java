package io.berth.registry;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running SHA-256 of uploads in progress, so that each byte is hashed once, while it is written. The state is a
 * cache: when it is missing or does not match the upload's size (after a restart, or when another instance took the
 * previous chunk), the upload's bytes are hashed again from the store.
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
