package io.berth.awsmodel;

/** An input that does not fit its operation's model; each API answers it in its own protocol's words. */
public final class InputViolation extends RuntimeException {

    public enum Kind {
        /** A member of the wrong JSON type: the input cannot be read as the operation's input at all. */
        SERIALIZATION,
        /** Readable, but breaking the model's constraints: required members, lengths, ranges, patterns, enums. */
        VALIDATION
    }

    private final Kind kind;

    public InputViolation(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
