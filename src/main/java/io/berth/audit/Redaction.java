package io.berth.audit;

import static io.berth.platform.Jsonp.JSON;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Locale;
import java.util.Set;

/**
 * What of a request or response an audit record may keep: never a secret (passwords, secret keys, login tokens), and
 * no bulk data (a layer part, a 4 MiB manifest) — a long text is replaced by its length.
 */
public final class Redaction {

    /** Members whose values are secrets, compared without case. */
    private static final Set<String> SECRETS = Set.of("password", "newpassword", "oldpassword", "secretaccesskey",
            "authorizationtoken", "secret");
    /** Texts longer than this are replaced by {@code "<omitted: N characters>"}. */
    static final int MAX_TEXT = 16 * 1024;

    private Redaction() {
    }

    public static JsonObject of(JsonObject object) {
        return object == null ? null : redact(object).build();
    }

    private static JsonObjectBuilder redact(JsonObject object) {
        JsonObjectBuilder out = JSON.createObjectBuilder();
        object.forEach((name, value) -> {
            if (SECRETS.contains(name.toLowerCase(Locale.ROOT))) {
                out.add(name, "<redacted>");
            } else {
                out.add(name, redact(value));
            }
        });
        return out;
    }

    private static JsonValue redact(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> redact(value.asJsonObject()).build();
            case ARRAY -> {
                JsonArrayBuilder array = JSON.createArrayBuilder();
                value.asJsonArray().forEach(item -> array.add(redact(item)));
                yield array.build();
            }
            case STRING -> {
                String text = ((JsonString) value).getString();
                yield text.length() > MAX_TEXT ? JSON.createValue("<omitted: " + text.length() + " characters>")
                        : value;
            }
            default -> value;
        };
    }
}
