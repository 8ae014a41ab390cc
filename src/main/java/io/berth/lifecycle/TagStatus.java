package io.berth.lifecycle;

/** Which images a rule looks at: those with matching tags, those without tags, or all of them. */
public enum TagStatus {
    TAGGED("tagged"), UNTAGGED("untagged"), ANY("any");

    private final String json;

    TagStatus(String json) {
        this.json = json;
    }

    /** The name used in policy JSON. */
    public String json() {
        return json;
    }

    static TagStatus fromJson(String value) {
        for (TagStatus status : values()) {
            if (status.json.equals(value)) {
                return status;
            }
        }
        return null;
    }
}
