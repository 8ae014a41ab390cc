package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts failed sign-ins per user and per client address within a window: past the first threshold answers are
 * slowed down, past the second further attempts are refused (429) until the window has passed. In memory, per
 * instance: enough to make guessing expensive without a database write per failure.
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

    /** Seconds until attempts for any of these keys are accepted again; 0 when they are accepted now. */
    public long refusedForSeconds(String... keys) {
        long now = System.currentTimeMillis();
        long wait = 0;
        for (String key : keys) {
            Window window = failures.get(key);
            if (window != null && window.count() >= settings.failuresBeforeRefusing()) {
                long endsAt = window.startedAt() + settings.failureWindow().toMillis();
                wait = Math.max(wait, (endsAt - now + 999) / 1000);
            }
        }
        return wait;
    }

    /** Records a failure; returns how long to delay the answer to it. */
    public long recordFailure(String... keys) {
        long now = System.currentTimeMillis();
        long windowMillis = settings.failureWindow().toMillis();
        if (failures.size() > MAX_TRACKED) {
            failures.entrySet().removeIf(e -> e.getValue().startedAt() + windowMillis < now);
        }
        int worst = 0;
        for (String key : keys) {
            Window window = failures.merge(key, new Window(now, 1), (old, one) ->
                    old.startedAt() + windowMillis < now ? one : new Window(old.startedAt(), old.count() + 1));
            worst = Math.max(worst, window.count());
        }
        return worst >= settings.failuresBeforeSlowing() ? SLOWDOWN_MILLIS : 0;
    }

    public void recordSuccess(String userKey) {
        failures.remove(userKey);
    }
}
