package io.berth.security.sigv4;

import java.util.regex.Pattern;

/** The Credential of a signature: {@code <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request}. */
record CredentialScope(String accessKeyId, String date, String region, String service) {

    static final String TERMINATOR = "aws4_request";
    private static final Pattern DATE = Pattern.compile("\\d{8}");

    static CredentialScope parse(String credential) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5 || parts[0].isEmpty() || !DATE.matcher(parts[1]).matches() || parts[2].isEmpty()
                || parts[3].isEmpty() || !parts[4].equals(TERMINATOR)) {
            throw SigV4Exception.incomplete(
                    "Credential must have the form <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request.");
        }
        return new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
    }

    /** The scope as it appears in the string to sign: {@code <yyyyMMdd>/<region>/<service>/aws4_request}. */
    String scope() {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }

    /** The Credential value: the access key id, then the scope. */
    String credential() {
        return accessKeyId + "/" + scope();
    }
}
