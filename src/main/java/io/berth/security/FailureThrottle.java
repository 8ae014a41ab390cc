package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts failed sign-ins per user name and per client address within a window: past the first threshold answers
 * are slowed down, past the second further attempts are refused (429) until the window has passed. A client address
 * gets {@link SecuritySettings#ADDRESS_FACTOR} times a user's allowance, since many users may share one. In memory,
 * per instance: enough to make guessing expensive without a database write per failure.
 */
@ApplicationScoped
public class FailureThrottle {

    static final long SLOWDOWN_MILLIS = 1000;
    private static final int MAX_TRACKED = 100_000;

    @Inject
    SecuritySettings settings;

    private final ConcurrentMap<String, Window> failures = new ConcurrentHashMap<>();

    private record Window(long startedAt, int count) {
    }

    /** Seconds until attempts are accepted again for this user name and address; 0 when they are accepted now. */
    public long refusedForSeconds(String userName, String address) {
        return Math.max(wait(userKey(userName), settings.failuresBeforeRefusing()),
                wait("address:" + address, settings.failuresBeforeRefusing() * SecuritySettings.ADDRESS_FACTOR));
    }

    /** Records a failure; returns how long to delay the answer to it. */
    public long recordFailure(String userName, String address) {
        long now = System.currentTimeMillis();
        if (failures.size() > MAX_TRACKED) {
            failures.entrySet().removeIf(e -> e.getValue().startedAt() + windowMillis() < now);
        }
        int slowAt = settings.failuresBeforeSlowing();
        // Both counts go up: no short-circuit.
        boolean slow = count(userKey(userName), now) >= slowAt
                | count("address:" + address, now) >= slowAt * SecuritySettings.ADDRESS_FACTOR;
        return slow ? SLOWDOWN_MILLIS : 0;
    }

    public void recordSuccess(String userName) {
        failures.remove("user:" + userName);
    }

    /** Token sign-ins all use the user name AWS: counting them together would lock every token out. */
    private static String userKey(String userName) {
        return LoginTokens.TOKEN_USER.equals(userName) ? null : "user:" + userName;
    }

    private int count(String key, long now) {
        if (key == null) {
            return 0;
        }
        return failures.merge(key, new Window(now, 1), (old, one) ->
                old.startedAt() + windowMillis() < now ? one : new Window(old.startedAt(), old.count() + 1)).count();
    }

    private long wait(String key, int limit) {
        Window window = key == null ? null : failures.get(key);
        if (window == null || window.count() < limit) {
            return 0;
        }
        long remaining = window.startedAt() + windowMillis() - System.currentTimeMillis();
        return remaining > 0 ? (remaining + 999) / 1000 : 0;
    }

    private long windowMillis() {
        return settings.failureWindow().toMillis();
    }
}
