package io.berth.cloudtrail;

/** A refusal in CloudTrail's terms: the exception's type name and its message. */
class CloudTrailException extends RuntimeException {

    private final String type;

    CloudTrailException(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    String type() {
        return type;
    }
}
