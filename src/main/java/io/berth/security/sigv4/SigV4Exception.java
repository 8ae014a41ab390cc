package io.berth.security.sigv4;

/**
 * A refused signature, with AWS's error code. The message is safe to return to the client: it never contains the
 * secret, a derived key or the signature the server expected.
 */
public final class SigV4Exception extends RuntimeException {

    /** No Authorization header or presigned query, or an algorithm other than AWS4-HMAC-SHA256. */
    public static final String MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationToken";
    /** A malformed Authorization header or presigned query: a missing part, a bad scope, host or date not signed. */
    public static final String INCOMPLETE_SIGNATURE = "IncompleteSignature";
    /** The access key id is unknown. */
    public static final String INVALID_CLIENT_TOKEN_ID = "InvalidClientTokenId";
    /** The signature is wrong, a signed header is missing, or the scope names another region or service. */
    public static final String SIGNATURE_DOES_NOT_MATCH = "SignatureDoesNotMatch";
    /** The request's time is too far from the clock or is not the scope's date, or a presigned URL expired. */
    public static final String REQUEST_EXPIRED = "RequestExpired";

    private static final long serialVersionUID = 1L;

    private final String code;

    public SigV4Exception(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    static SigV4Exception missing(String message) {
        return new SigV4Exception(MISSING_AUTHENTICATION_TOKEN, message);
    }

    static SigV4Exception incomplete(String message) {
        return new SigV4Exception(INCOMPLETE_SIGNATURE, message);
    }

    static SigV4Exception mismatch(String message) {
        return new SigV4Exception(SIGNATURE_DOES_NOT_MATCH, message);
    }

    static SigV4Exception expired(String message) {
        return new SigV4Exception(REQUEST_EXPIRED, message);
    }

    @Override
    public String toString() {
        return getClass().getName() + ": " + code + ": " + getMessage();
    }
}
