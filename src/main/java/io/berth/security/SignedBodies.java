package io.berth.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bodies of signed AWS API requests, which are read into memory to check their signature and then replayed to
 * the handler: each is hashed as it streams in, and all of them together may hold at most a quarter of the heap
 * (256 MiB at most). A request that would exceed that waits for nothing: it is refused, and the client retries.
 * What a request reserved is given back when the request ends ({@link Release}).
 */
@ApplicationScoped
public class SignedBodies {

    /** The request attribute holding how many bytes the request reserved. */
    static final String RESERVED = SignedBodies.class.getName() + ".reserved";

    private final long capacity = Math.min(256L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
    private final AtomicLong available = new AtomicLong(capacity);

    /** A body as read: its bytes and their SHA-256 in hex. */
    public record Body(byte[] bytes, String sha256Hex) {
    }

    /** Reserves {@code bytes} of the budget; false (and nothing reserved) when the budget does not have them. */
    boolean reserve(long bytes) {
        long left;
        do {
            left = available.get();
            if (left < bytes) {
                return false;
            }
        } while (!available.compareAndSet(left, left - bytes));
        return true;
    }

    void release(long bytes) {
        available.addAndGet(bytes);
    }

    /**
     * Reads at most {@code limit} bytes, hashing them as they come; null when the body is longer than that.
     *
     * @param expected the declared length, or -1 when the client streams without one
     */
    static Body read(InputStream in, long expected, int limit) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[expected >= 0 ? (int) Math.min(expected, limit) : Math.min(limit, 64 * 1024)];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (length == limit) {
                    return in.read() < 0 ? body(buffer, sha256) : null;
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2 + 1, limit));
            }
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return body(Arrays.copyOf(buffer, length), sha256);
            }
            sha256.update(buffer, length, read);
            length += read;
        }
    }

    private static Body body(byte[] bytes, MessageDigest sha256) {
        return new Body(bytes, HexFormat.of().formatHex(sha256.digest()));
    }

    /** Gives a request's reservation back when the request is done with, however it ended. */
    @WebListener
    public static class Release implements ServletRequestListener {

        @jakarta.inject.Inject
        SignedBodies bodies;

        @Override
        public void requestDestroyed(ServletRequestEvent event) {
            if (event.getServletRequest().getAttribute(RESERVED) instanceof Long bytes) {
                event.getServletRequest().removeAttribute(RESERVED);
                bodies.release(bytes);
            }
        }
    }
}
