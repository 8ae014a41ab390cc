package io.berth.security.sigv4;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a request claims about its signature, from its Authorization header or its presigned query string; nothing in
 * it is checked against the clock, the server's region and services or a secret yet.
 *
 * @param scope         the Credential: access key id and scope
 * @param signedHeaders the lower-case names of the signed headers, in the order given
 * @param signature     the signature the client sent
 * @param amzDate       the signing time in ISO 8601 basic format, as it goes into the string to sign
 * @param signedAt      the signing time
 * @param expires       how long a presigned URL is valid; null for a header signature
 */
record Authorization(CredentialScope scope, List<String> signedHeaders, String signature, String amzDate,
        Instant signedAt, Duration expires) {

    static final long MAX_EXPIRES_SECONDS = 604_800;
    private static final Set<String> HEADER_PARTS = Set.of("Credential", "SignedHeaders", "Signature");
    private static final Pattern AMZ_DATE = Pattern.compile("\\d{8}T\\d{6}Z");
    private static final Pattern EXPIRES = Pattern.compile("\\d{1,7}");

    boolean presigned() {
        return expires != null;
    }

    /** The SignedHeaders line of the canonical request. */
    String signedHeadersLine() {
        return String.join(";", signedHeaders);
    }

    /** Whether a header value starts with the one algorithm we verify (then its format must be right). */
    static boolean isSigV4(String authorization) {
        String value = authorization.strip();
        return value.startsWith(Signing.ALGORITHM)
                && (value.length() == Signing.ALGORITHM.length()
                        || Character.isWhitespace(value.charAt(Signing.ALGORITHM.length())));
    }

    /**
     * Parses {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...} and finds the request's date:
     * X-Amz-Date, or the Date header when there is no X-Amz-Date. Host and that date header must be signed.
     */
    static Authorization fromHeader(String authorization, SignedRequest request) {
        if (!isSigV4(authorization)) {
            throw SigV4Exception.missing("Authorization header must use the AWS4-HMAC-SHA256 algorithm.");
        }
        String rest = authorization.strip().substring(Signing.ALGORITHM.length()).strip();
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : rest.split(",", -1)) {
            String trimmed = part.strip();
            int equals = trimmed.indexOf('=');
            if (equals <= 0) {
                throw SigV4Exception.incomplete("'" + Messages.quote(trimmed)
                        + "' not a valid key=value pair (missing equal-sign) in Authorization header.");
            }
            String key = trimmed.substring(0, equals).strip();
            if (!HEADER_PARTS.contains(key)) {
                throw SigV4Exception.incomplete("Unexpected '" + Messages.quote(key) + "' in Authorization header.");
            }
            if (parts.put(key, trimmed.substring(equals + 1).strip()) != null) {
                throw SigV4Exception.incomplete("'" + key + "' appears more than once in Authorization header.");
            }
        }
        for (String required : new String[] {"Credential", "SignedHeaders", "Signature"}) {
            String value = parts.get(required);
            if (value == null || value.isEmpty()) {
                throw SigV4Exception.incomplete("Authorization header requires '" + required + "' parameter.");
            }
        }
        CredentialScope scope = CredentialScope.parse(parts.get("Credential"));
        List<String> signedHeaders = signedHeaders(parts.get("SignedHeaders"));

        String dateHeader;
        String amzDate;
        Instant signedAt;
        List<String> xAmzDate = request.header("X-Amz-Date");
        if (!xAmzDate.isEmpty()) {
            dateHeader = "x-amz-date";
            amzDate = String.join(",", xAmzDate).strip();
            signedAt = parseAmzDate(amzDate, "X-Amz-Date");
        } else {
            List<String> date = request.header("Date");
            if (date.isEmpty()) {
                throw SigV4Exception.incomplete(
                        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
            }
            dateHeader = "date";
            try {
                signedAt = ZonedDateTime.parse(String.join(",", date).strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeException e) {
                throw SigV4Exception.incomplete("Date header must be an RFC 1123 date.");
            }
            amzDate = Signing.AMZ_DATE.format(signedAt);
        }
        requireSigned(signedHeaders, "host");
        requireSigned(signedHeaders, dateHeader);
        return new Authorization(scope, signedHeaders, parts.get("Signature"), amzDate, signedAt, null);
    }

    /**
     * Reads X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature from
     * a presigned query; host must be signed.
     */
    static Authorization fromQuery(List<QueryParameter> query) {
        if (!Signing.ALGORITHM.equals(QueryParameter.single(query, QueryParameter.ALGORITHM))) {
            throw SigV4Exception.missing("X-Amz-Algorithm must be AWS4-HMAC-SHA256.");
        }
        String credential = required(query, QueryParameter.CREDENTIAL);
        String date = required(query, QueryParameter.DATE);
        String expires = required(query, QueryParameter.EXPIRES);
        String signedHeaders = required(query, QueryParameter.SIGNED_HEADERS);
        String signature = required(query, QueryParameter.SIGNATURE);

        CredentialScope scope = CredentialScope.parse(credential);
        long seconds = EXPIRES.matcher(expires).matches() ? Long.parseLong(expires) : -1;
        if (seconds < 1 || seconds > MAX_EXPIRES_SECONDS) {
            throw SigV4Exception.incomplete("X-Amz-Expires must be between 1 and " + MAX_EXPIRES_SECONDS + " seconds.");
        }
        Instant signedAt = parseAmzDate(date, QueryParameter.DATE);
        List<String> headers = signedHeaders(signedHeaders);
        requireSigned(headers, "host");
        return new Authorization(scope, headers, signature, date, signedAt, Duration.ofSeconds(seconds));
    }

    private static String required(List<QueryParameter> query, String name) {
        String value = QueryParameter.single(query, name);
        if (value == null || value.isEmpty()) {
            throw SigV4Exception.incomplete("AWS query-string parameters must include '" + name + "'.");
        }
        return value;
    }

    private static List<String> signedHeaders(String value) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(";", -1)) {
            String lower = name.strip().toLowerCase(Locale.ROOT);
            if (lower.isEmpty()) {
                throw SigV4Exception.incomplete("SignedHeaders must be header names separated by ';'.");
            }
            names.add(lower);
        }
        return List.copyOf(names);
    }

    private static void requireSigned(List<String> signedHeaders, String name) {
        if (!signedHeaders.contains(name)) {
            throw SigV4Exception.incomplete("SignedHeaders must include '" + name + "'.");
        }
    }

    private static Instant parseAmzDate(String value, String name) {
        if (AMZ_DATE.matcher(value).matches()) {
            try {
                return Instant.from(Signing.AMZ_DATE.parse(value));
            } catch (DateTimeException e) {
                // fall through
            }
        }
        throw SigV4Exception.incomplete(name + " must be in ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z').");
    }
}
