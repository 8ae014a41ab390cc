package io.berth.security;

import io.berth.storage.OwnerOnly;

import io.berth.registry.RegistrySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets that must be recoverable (access key secrets: SigV4 verification needs them) with AES-256-GCM
 * under the server key, a random key kept in {@code <data>/keys/server.key} (or BERTH_SERVER_KEY_FILE), readable only
 * by the owner. The JDK's
 * AES-GCM is all this needs.
 */
@ApplicationScoped
public class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    RegistrySettings registrySettings;

    private SecretKey key;

    @PostConstruct
    void loadKey() {
        key = new SecretKeySpec(readOrCreate(registrySettings.serverKeyFile()), "AES");
    }

    static byte[] readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                OwnerOnly.directory(file.getParent());
                byte[] fresh = new byte[32];
                RANDOM.nextBytes(fresh);
                OwnerOnly.write(file, Base64.getEncoder().encode(fresh));
            }
            return Base64.getDecoder().decode(Files.readString(file).trim());
        } catch (FileAlreadyExistsException racedWithAnotherInstance) {
            return readOrCreate(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the server key " + file, e);
        }
    }

    /** A key for another purpose, derived from the server key (HMAC-SHA256 of the purpose's name). */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return hmac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    public String encrypt(String secret) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public String decrypt(String encrypted) {
        try {
            byte[] all = Base64.getDecoder().decode(encrypted);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, all, 0, NONCE_BYTES));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Never pass the cipher's message on: it is not for clients or logs.
            throw new IllegalStateException("a stored secret does not decrypt with the server key");
        }
    }
}
