package io.berth.ecr;

/** An ECR API refusal: the model's exception name, and a message safe to show. */
public class EcrException extends RuntimeException {

    private final String type;
    private final int status;

    public EcrException(String type, String message) {
        this(type, 400, message);
    }

    public EcrException(String type, int status, String message) {
        super(message, null, false, false);
        this.type = type;
        this.status = status;
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }
}
