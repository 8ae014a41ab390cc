package io.berth.security.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) on a request signed in its Authorization header or presigned in
 * its query string, as the AWS SDKs and CLI sign for non-S3 services. Immutable and thread-safe.
 *
 * <p>The checks, in order: an algorithm is present ({@code MissingAuthenticationToken}); the header or query is
 * well-formed and signs host and the date ({@code IncompleteSignature}); the scope names this region and one of the
 * services ({@code SignatureDoesNotMatch}); the scope's date is the request's and the request's time is within 15
 * minutes of the clock, or a presigned URL has not expired ({@code RequestExpired}); the access key is known
 * ({@code InvalidClientTokenId}); every signed header is present, the body matches a declared
 * {@code x-amz-content-sha256} and the signature matches ({@code SignatureDoesNotMatch}).
 *
 * <p>The payload hash of a header signature is the declared {@code x-amz-content-sha256} (a hex hash must be the
 * body's) or else the body's SHA-256. A presigned request signs the body's SHA-256 (as AWS SDK for Java v2 presigns
 * for non-S3 services). UNSIGNED-PAYLOAD, declared or presigned (as {@link #presign} and S3-style presigners do), is
 * accepted only for an empty body: otherwise whoever holds the request could send any body with it. Present
 * {@code x-amz-target} and {@code content-type} headers must be signed.
 *
 * <p>{@link #start} checks everything but the body, so that a server refuses before reading it;
 * {@link Pending#finish} then checks the signature over the body's hash.
 */
public final class SigV4Verifier {

    /** How far a request's time may be from the server's clock, either way. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    /** Headers that decide what a request does, and so must be signed when present. */
    private static final List<String> CHOOSING_HEADERS = List.of("x-amz-target", "content-type");

    private final String region;
    private final Clock clock;

    public SigV4Verifier(String region, Clock clock) {
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Verifies the request's signature.
     *
     * @param services              the signing names accepted in the credential scope (e.g. {@code ecr}, {@code iam})
     * @param secretForAccessKeyId  the secret access key of an access key id, empty when there is no such key
     * @return who signed the request, for which service and region
     * @throws SigV4Exception when the request is not signed, or not signed right; {@link SigV4Exception#code()} is
     *                        AWS's error code
     */
    public Verified verify(SignedRequest request, Set<String> services,
            Function<String, Optional<String>> secretForAccessKeyId) {
        return start(request, services, secretForAccessKeyId)
                .finish(Signing.sha256Hex(request.body()), request.body().length);
    }

    /**
     * Checks everything that does not need the body: the signature's form, region, service and time, the access
     * key, and that the headers which choose what the request does are signed. A server calls this before it reads
     * a byte of the body, then hashes the body as it streams in and calls {@link Pending#finish}.
     *
     * @param request the request's method, path, query and headers; its body is not looked at
     */
    public Pending start(SignedRequest request, Set<String> services,
            Function<String, Optional<String>> secretForAccessKeyId) {
        List<QueryParameter> query = QueryParameter.parse(request.rawQuery());
        Authorization authorization = authorization(request, query);
        CredentialScope scope = authorization.scope();

        if (!region.equals(scope.region())) {
            throw SigV4Exception.mismatch(
                    "Credential should be scoped to a valid region, not '" + Messages.quote(scope.region()) + "'.");
        }
        if (!services.contains(scope.service())) {
            throw SigV4Exception.mismatch(
                    "Credential should be scoped to correct service, not '" + Messages.quote(scope.service()) + "'.");
        }
        checkTime(authorization);
        // X-Amz-Target picks the operation and Content-Type the protocol: a signature that leaves them out
        // would let anyone who holds the request turn it into another.
        for (String chooser : CHOOSING_HEADERS) {
            if (!request.header(chooser).isEmpty() && !authorization.signedHeaders().contains(chooser)) {
                throw SigV4Exception.incomplete("SignedHeaders must include '" + chooser + "'.");
            }
        }

        Optional<String> secret = secretForAccessKeyId.apply(scope.accessKeyId());
        if (secret == null || secret.isEmpty()) {
            throw new SigV4Exception(SigV4Exception.INVALID_CLIENT_TOKEN_ID,
                    "The security token included in the request is invalid.");
        }
        String canonicalRequestUpToPayload = request.method() + "\n"
                + Canonical.uri(request.rawPath()) + "\n"
                + Canonical.query(query, authorization.presigned()) + "\n"
                + canonicalHeaders(request, authorization.signedHeaders()) + "\n"
                + authorization.signedHeadersLine() + "\n";
        return new Pending(authorization, secret.get(), canonicalRequestUpToPayload,
                authorization.presigned() ? null : declaredPayloadHash(request));
    }

    /** A request whose signature checked out as far as it can without the body. */
    public static final class Pending {
        private final Authorization authorization;
        private final String secret;
        private final String canonicalRequestUpToPayload;
        private final String declaredPayloadHash;

        private Pending(Authorization authorization, String secret, String canonicalRequestUpToPayload,
                        String declaredPayloadHash) {
            this.authorization = authorization;
            this.secret = secret;
            this.canonicalRequestUpToPayload = canonicalRequestUpToPayload;
            this.declaredPayloadHash = declaredPayloadHash;
        }

        /** The access key the request claims to be signed with (known and active: {@link #start} checked). */
        public String accessKeyId() {
            return authorization.scope().accessKeyId();
        }

        /**
         * Verifies the signature over the body. A body must be signed: UNSIGNED-PAYLOAD (declared in
         * {@code x-amz-content-sha256}, or what a presigned URL signs) passes only for an empty body.
         *
         * @param bodySha256Hex the body's SHA-256, lower-case hex
         */
        public Verified finish(String bodySha256Hex, long bodyLength) {
            List<String> payloadHashes;
            if (authorization.presigned()) {
                payloadHashes = bodyLength == 0 ? List.of(Signing.UNSIGNED_PAYLOAD, bodySha256Hex)
                        : List.of(bodySha256Hex);
            } else if (declaredPayloadHash == null) {
                payloadHashes = List.of(bodySha256Hex);
            } else if (declaredPayloadHash.equals(Signing.UNSIGNED_PAYLOAD)) {
                if (bodyLength > 0) {
                    throw SigV4Exception.incomplete("The payload must be signed: UNSIGNED-PAYLOAD is accepted only"
                            + " for an empty body.");
                }
                payloadHashes = List.of(declaredPayloadHash);
            } else if (!declaredPayloadHash.equalsIgnoreCase(bodySha256Hex)) {
                throw SigV4Exception.mismatch(
                        "The provided 'x-amz-content-sha256' header does not match what was computed.");
            } else {
                payloadHashes = List.of(declaredPayloadHash);
            }
            CredentialScope scope = authorization.scope();
            byte[] provided = authorization.signature().getBytes(StandardCharsets.UTF_8);
            boolean matches = false;
            byte[] key = Signing.signingKey(secret, scope.date(), scope.region(), scope.service());
            try {
                for (int i = 0; i < payloadHashes.size() && !matches; i++) {
                    String stringToSign = Signing.stringToSign(authorization.amzDate(), scope,
                            canonicalRequestUpToPayload + payloadHashes.get(i));
                    matches = MessageDigest.isEqual(Signing.sign(key, stringToSign), provided);
                }
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            if (!matches) {
                throw SigV4Exception.mismatch("The request signature we calculated does not match the signature you "
                        + "provided. Check your AWS Secret Access Key and signing method.");
            }
            return new Verified(scope.accessKeyId(), scope.service(), scope.region());
        }
    }

    /**
     * Presigns a URL for Berth itself to hand out: signs {@code host} only, with an unsigned payload.
     *
     * @param rawPath    the path exactly as it will be sent (already percent-encoded)
     * @param extraQuery other query parameters (decoded), signed too; none may be an X-Amz-* signing parameter
     * @param expires    between 1 second and 7 days
     * @return the complete query string (without '?'): the parameters, percent-encoded and in canonical order, then
     *         X-Amz-Signature
     */
    public static String presign(String method, String host, String rawPath, Map<String, String> extraQuery,
            String accessKeyId, String secret, String region, String service, Instant now, Duration expires) {
        long seconds = expires.getSeconds();
        if (expires.getNano() != 0 || seconds < 1 || seconds > Authorization.MAX_EXPIRES_SECONDS) {
            throw new IllegalArgumentException("expires must be whole seconds between 1 second and 7 days: " + expires);
        }
        String amzDate = Signing.AMZ_DATE.format(now);
        CredentialScope scope = new CredentialScope(accessKeyId, amzDate.substring(0, 8), region, service);

        List<QueryParameter> query = new ArrayList<>();
        extraQuery.forEach((name, value) -> {
            if (QueryParameter.SIGNING_PARAMETERS.contains(name)) {
                throw new IllegalArgumentException("extraQuery must not contain " + name);
            }
            query.add(QueryParameter.of(name, value == null ? "" : value));
        });
        query.add(QueryParameter.of(QueryParameter.ALGORITHM, Signing.ALGORITHM));
        query.add(QueryParameter.of(QueryParameter.CREDENTIAL, scope.credential()));
        query.add(QueryParameter.of(QueryParameter.DATE, amzDate));
        query.add(QueryParameter.of(QueryParameter.EXPIRES, Long.toString(seconds)));
        query.add(QueryParameter.of(QueryParameter.SIGNED_HEADERS, "host"));
        String canonicalQuery = Canonical.query(query, true);

        String canonicalRequest = method + "\n"
                + Canonical.uri(rawPath) + "\n"
                + canonicalQuery + "\n"
                + "host:" + Canonical.headerValue(List.of(host)) + "\n\n"
                + "host\n"
                + Signing.UNSIGNED_PAYLOAD;
        String signature = Signing.signature(secret, scope, Signing.stringToSign(amzDate, scope, canonicalRequest));
        return canonicalQuery + "&" + QueryParameter.SIGNATURE + "=" + signature;
    }

    /** The header signature, or the presigned query's when the request has no SigV4 Authorization header. */
    private static Authorization authorization(SignedRequest request, List<QueryParameter> query) {
        List<String> headers = request.header("Authorization");
        boolean presigned = query.stream().anyMatch(p -> p.name().equals(QueryParameter.ALGORITHM));
        boolean sigV4Header = headers.stream().anyMatch(Authorization::isSigV4);
        if (presigned && sigV4Header) {
            throw SigV4Exception.incomplete("Only one auth mechanism allowed; only the X-Amz-Algorithm query "
                    + "parameter or the Authorization header should be specified.");
        }
        if (presigned) {
            return Authorization.fromQuery(query);
        }
        if (headers.isEmpty()) {
            throw SigV4Exception.missing("Request is missing Authentication Token.");
        }
        if (headers.size() > 1) {
            throw SigV4Exception.incomplete("Only one Authorization header is allowed.");
        }
        return Authorization.fromHeader(headers.get(0), request);
    }

    private void checkTime(Authorization authorization) {
        if (!authorization.amzDate().startsWith(authorization.scope().date())) {
            throw SigV4Exception.expired("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    + "date from HTTP: '" + authorization.scope().date() + "' != '"
                    + authorization.amzDate().substring(0, 8) + "'.");
        }
        Instant now = clock.instant();
        Instant signedAt = authorization.signedAt();
        String server = Signing.AMZ_DATE.format(now);
        if (signedAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw SigV4Exception.expired("Signature not yet current: " + authorization.amzDate()
                    + " is more than 15 minutes after the server time " + server + ".");
        }
        if (authorization.presigned()) {
            if (now.isAfter(signedAt.plus(authorization.expires()))) {
                throw SigV4Exception.expired("Request has expired: signed at " + authorization.amzDate()
                        + " for " + authorization.expires().getSeconds() + " seconds; server time " + server + ".");
            }
        } else if (signedAt.isBefore(now.minus(MAX_CLOCK_SKEW))) {
            throw SigV4Exception.expired("Signature expired: " + authorization.amzDate()
                    + " is more than 15 minutes before the server time " + server + ".");
        }
    }

    private static String canonicalHeaders(SignedRequest request, List<String> signedHeaders) {
        StringBuilder canonical = new StringBuilder(256);
        for (String name : signedHeaders) {
            List<String> values = request.header(name);
            if (values.isEmpty()) {
                throw SigV4Exception.mismatch("Signed header '" + Messages.quote(name) + "' is not in the request.");
            }
            canonical.append(name).append(':').append(Canonical.headerValue(values)).append('\n');
        }
        return canonical.toString();
    }

    /**
     * A header signature's declared {@code x-amz-content-sha256}: UNSIGNED-PAYLOAD or a hex SHA-256; null when the
     * request declares none (then the signature is over the body's SHA-256).
     */
    private static String declaredPayloadHash(SignedRequest request) {
        List<String> declared = request.header("x-amz-content-sha256");
        if (declared.isEmpty()) {
            return null;
        }
        if (declared.size() > 1) {
            throw SigV4Exception.incomplete("Only one x-amz-content-sha256 header is allowed.");
        }
        String value = declared.get(0).strip();
        if (!value.equals(Signing.UNSIGNED_PAYLOAD) && !SHA256_HEX.matcher(value).matches()) {
            throw SigV4Exception.incomplete("x-amz-content-sha256 must be the payload's hex SHA-256 or "
                    + "UNSIGNED-PAYLOAD; streaming payloads are not supported.");
        }
        return value;
    }
}
