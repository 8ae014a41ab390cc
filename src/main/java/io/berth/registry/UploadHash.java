package io.berth.registry;

import java.util.Base64;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The running SHA-256 of an upload, whose state is saved with the upload after every chunk, so that whichever
 * instance takes the next chunk goes on hashing without reading the bytes again. The JDK's digests cannot be saved;
 * Bouncy Castle's can.
 */
final class UploadHash {

    private final SHA256Digest digest;

    private UploadHash(SHA256Digest digest) {
        this.digest = digest;
    }

    /** A new upload's hash, or the one saved by {@link #save()}; null is a new upload. */
    static UploadHash resume(String saved) {
        return new UploadHash(saved == null ? new SHA256Digest() : new SHA256Digest(Base64.getDecoder().decode(saved)));
    }

    void update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
    }

    String save() {
        return Base64.getEncoder().encodeToString(digest.getEncodedState());
    }

    /** The SHA-256 of everything hashed; the hash is spent. */
    byte[] finish() {
        byte[] result = new byte[digest.getDigestSize()];
        digest.doFinal(result, 0);
        return result;
    }
}
