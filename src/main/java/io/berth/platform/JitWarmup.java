package io.berth.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes a few hundred MiB in the background at start-up, so that the JIT compiles SHA-256 with its CPU intrinsics
 * before the first large upload; otherwise the first GiB pushed is hashed by slower, interpreted code.
 */
@Singleton
@Startup
public class JitWarmup {

    @Resource
    ManagedExecutorService executor;

    @PostConstruct
    void start() {
        executor.submit(JitWarmup::hash);
    }

    private static void hash() {
        try {
            byte[] buffer = new byte[1 << 20];
            for (String algorithm : new String[] {"SHA-256", "SHA-512"}) {
                MessageDigest digest = MessageDigest.getInstance(algorithm);
                for (int i = 0; i < 256; i++) {
                    digest.update(buffer, 0, buffer.length);
                }
                digest.digest();
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
