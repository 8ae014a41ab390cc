package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Failed sign-ins, counted within a window so that guessing passwords is expensive for the guesser and not a way to
 * lock a user out:
 * <ul>
 * <li>a user name and a client address together are refused (429, at once) past the refusal threshold;</li>
 * <li>a client address alone past {@link SecuritySettings#ADDRESS_FACTOR} times that, since many users may share
 * one (NAT, CI runners);</li>
 * <li>a user, from any address, past the slow-down threshold only has its password checked at most once a second:
 * other attempts in that second are answered 429 with {@code Retry-After: 1}. A credential already verified (the
 * cache) is never throttled, so the user's running clients go on working.</li>
 * </ul>
 * Users are counted by who they are, not how they were named: {@code admin} and {@code 000000000000/admin} are one
 * user. In memory, per instance: enough to make guessing expensive without a database write per failure; nothing
 * here ever sleeps on a request thread.
 */
@ApplicationScoped
public class FailureThrottle {

    static final long SLOW_INTERVAL_MILLIS = 1000;
    private static final int MAX_TRACKED = 100_000;

    @Inject
    SecuritySettings settings;

    private final ConcurrentMap<String, Window> failures = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Long> lastChecked = new ConcurrentHashMap<>();

    private record Window(long startedAt, int count) {
    }

    /**
     * Seconds until this attempt may be checked; 0 when it may be checked now. A positive answer refuses the attempt
     * without looking at its password.
     */
    public long refusedForSeconds(String userName, String address) {
        String user = userKey(userName);
        int refuseAt = settings.failuresBeforeRefusing();
        long refused = Math.max(wait(pairKey(user, address), refuseAt),
                wait(addressKey(address), refuseAt * SecuritySettings.ADDRESS_FACTOR));
        if (refused > 0 || user == null || count(user) < settings.failuresBeforeSlowing()) {
            return refused;
        }
        long now = System.currentTimeMillis();
        Long last = lastChecked.get(user);
        boolean mayCheck = last == null ? lastChecked.putIfAbsent(user, now) == null
                : now - last >= SLOW_INTERVAL_MILLIS && lastChecked.replace(user, last, now);
        return mayCheck ? 0 : 1;
    }

    public void recordFailure(String userName, String address) {
        long now = System.currentTimeMillis();
        if (failures.size() > MAX_TRACKED) {
            failures.entrySet().removeIf(e -> e.getValue().startedAt() + windowMillis() < now);
            lastChecked.entrySet().removeIf(e -> e.getValue() + SLOW_INTERVAL_MILLIS < now);
        }
        String user = userKey(userName);
        for (String key : new String[] {user, pairKey(user, address), addressKey(address)}) {
            if (key != null) {
                failures.merge(key, new Window(now, 1), (old, one) ->
                        old.startedAt() + windowMillis() < now ? one : new Window(old.startedAt(), old.count() + 1));
            }
        }
    }

    public void recordSuccess(String userName, String address) {
        String user = userKey(userName);
        if (user != null) {
            failures.remove(user);
            failures.remove(pairKey(user, address));
            lastChecked.remove(user);
        }
    }

    /**
     * The user a sign-in name stands for: {@code <account>/<user>}, in lower case (IAM user names are unique
     * regardless of case); null for token sign-ins, which all use the name AWS and cannot be guessed.
     */
    String userKey(String userName) {
        if (LoginTokens.TOKEN_USER.equals(userName)) {
            return null;
        }
        String qualified = userName.indexOf('/') > 0 ? userName : settings.bootstrapAccount() + "/" + userName;
        return "user:" + qualified.toLowerCase(Locale.ROOT);
    }

    private static String pairKey(String user, String address) {
        return user == null ? null : user + "@" + address;
    }

    private static String addressKey(String address) {
        return "address:" + address;
    }

    private int count(String key) {
        Window window = failures.get(key);
        return window == null || window.startedAt() + windowMillis() < System.currentTimeMillis() ? 0
                : window.count();
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
