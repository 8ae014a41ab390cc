package io.berth.security;

import static io.berth.platform.Jsonp.JSON;

import io.berth.registry.ManifestSigningKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The registry's schema 1 signing key: an RSA key made by the first instance that needs it and kept in the database
 * sealed with the server key, so that every instance signs with it and a restart keeps it.
 */
@ApplicationScoped
public class Schema1SigningKey implements ManifestSigningKey {

    static final String NAME = "schema1";

    @Inject
    SecretBox secrets;

    @Inject
    SigningKeyRows rows;

    private volatile PrivateKey privateKey;
    private volatile JsonObject publicJwk;

    @Override
    public JsonObject publicJwk() {
        load();
        return publicJwk;
    }

    @Override
    public byte[] sign(byte[] input) {
        load();
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(privateKey);
            signer.update(input);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 is not available", e);
        }
    }

    private void load() {
        if (privateKey != null) {
            return;
        }
        synchronized (this) {
            if (privateKey != null) {
                return;
            }
            String sealed = rows.find(NAME).orElseGet(() -> {
                try {
                    rows.insertUnlessPresent(NAME, secrets.encrypt(Base64.getEncoder().encodeToString(
                            generate().getPrivate().getEncoded())));
                } catch (RuntimeException anotherInstanceWasFirst) {
                    // Its row is there now; a failure of another kind shows when it is not.
                }
                return rows.find(NAME).orElseThrow(() -> new IllegalStateException(
                        "the schema 1 signing key could not be stored"));
            });
            try {
                RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(
                        new PKCS8EncodedKeySpec(Base64.getDecoder().decode(secrets.decrypt(sealed))));
                // Checks that the public half is derivable (it is what clients verify with).
                KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(),
                        key.getPublicExponent()));
                publicJwk = JSON.createObjectBuilder().add("e", base64Url(key.getPublicExponent()))
                        .add("kty", "RSA").add("n", base64Url(key.getModulus())).build();
                privateKey = key;
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new IllegalStateException("the stored schema 1 signing key is not an RSA private key", e);
            }
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    /** JWK's unsigned big-endian integers, without a leading zero byte. */
    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
