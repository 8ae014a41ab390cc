package io.berth.lifecycle;

/** How a rule picks images from its selection: beyond a count, or older than a number of days. */
public enum CountType {
    IMAGE_COUNT_MORE_THAN("imageCountMoreThan"),
    SINCE_IMAGE_PUSHED("sinceImagePushed"),
    SINCE_IMAGE_PULLED("sinceImagePulled");

    private final String json;

    CountType(String json) {
        this.json = json;
    }

    /** The name used in policy JSON. */
    public String json() {
        return json;
    }

    /** Whether the count is a number of days (and so needs {@code countUnit}). */
    public boolean isAge() {
        return this != IMAGE_COUNT_MORE_THAN;
    }

    static CountType fromJson(String value) {
        for (CountType type : values()) {
            if (type.json.equals(value)) {
                return type;
            }
        }
        return null;
    }
}
