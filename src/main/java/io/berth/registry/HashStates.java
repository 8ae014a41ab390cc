package io.berth.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;

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

    /** Abandoned uploads leave states behind: dropping the oldest only costs a re-hash. */
    private final Cache<String, State> states = Caffeine.newBuilder().maximumSize(10_000).build();

    /** Removes and returns the state for an upload at {@code offset}, or null if none matches. */
    State take(String uploadId, long offset) {
        State state = states.asMap().remove(uploadId);
        return state != null && state.offset() == offset ? state : null;
    }

    void put(String uploadId, long offset, MessageDigest hasher) {
        states.put(uploadId, new State(offset, hasher));
    }

    void forget(String uploadId) {
        states.invalidate(uploadId);
    }
}
