package io.berth.registry;

import static io.berth.platform.Jsonp.JSON;

import io.berth.storage.Digest;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and validates manifests: Docker image manifest v2 schema 2 and manifest list, OCI image manifest and
 * image index (including artifacts), and Docker's schema 1 ({@link DockerSchema1}). The bytes are never rewritten; this only looks at them.
 */
public final class ManifestParser {

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");

    private ManifestParser() {
    }

    /**
     * @param contentType the request's media type, or null when the client sent none
     */
    public static ParsedManifest parse(byte[] content, String contentType) {
        JsonObject json = readObject(content);
        if (DockerSchema1.isSchema1(json, normalize(contentType))) {
            return DockerSchema1.parse(content, json, normalize(contentType));
        }
        String declared = optionalString(json, "mediaType");
        String mediaType = resolveMediaType(json, declared, contentType);

        JsonValue schemaVersion = json.get("schemaVersion");
        if (!(schemaVersion instanceof JsonNumber number) || number.intValue() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        Digest subject = json.containsKey("subject") ? descriptor(json.get("subject"), "subject").digest() : null;
        String artifactType = optionalString(json, "artifactType");
        if (artifactType != null) {
            requireMediaType(artifactType, "artifactType");
        }
        String annotations = json.containsKey("annotations") ? annotations(json.get("annotations")) : null;

        if (MediaTypes.INDEXES.contains(mediaType)) {
            if (json.containsKey("config") || json.containsKey("layers")) {
                throw invalid("an index has no config or layers");
            }
            return new ParsedManifest(mediaType, null, List.of(), descriptors(json, "manifests"), subject,
                    artifactType, annotations, content);
        }
        if (json.containsKey("manifests")) {
            throw invalid("an image manifest has no manifests list");
        }
        Descriptor config = descriptor(json.get("config"), "config");
        return new ParsedManifest(mediaType, config, descriptors(json, "layers"), List.of(), subject, artifactType,
                annotations, content);
    }

    /** A JSON object, or MANIFEST_INVALID. */
    static JsonObject readObject(byte[] content) {
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(content))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw invalid("a manifest is a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonException e) {
            throw invalid("the manifest is not valid JSON");
        }
    }

    private static String resolveMediaType(JsonObject json, String declared, String contentType) {
        String requested = normalize(contentType);
        if (declared != null && requested != null && !declared.equals(requested)) {
            throw invalid("the manifest's mediaType " + declared + " differs from Content-Type " + requested);
        }
        String mediaType = declared != null ? declared : requested;
        if (mediaType == null) {
            // An OCI manifest may omit mediaType; tell the two OCI shapes apart by their fields.
            mediaType = json.containsKey("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        if (!MediaTypes.isManifest(mediaType)) {
            throw invalid("unsupported manifest media type " + mediaType);
        }
        return mediaType;
    }

    /** Strips parameters; generic types that say nothing about the manifest count as absent. */
    private static String normalize(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase();
        if (type.isEmpty() || type.equals("application/json") || type.equals("application/octet-stream")) {
            return null;
        }
        return type;
    }

    private static List<Descriptor> descriptors(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (!(value instanceof JsonArray array)) {
            throw invalid(field + " must be an array");
        }
        List<Descriptor> result = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(descriptor(array.get(i), field + "[" + i + "]"));
        }
        return result;
    }

    private static Descriptor descriptor(JsonValue value, String where) {
        if (!(value instanceof JsonObject object)) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = optionalString(object, "mediaType");
        if (mediaType == null || mediaType.isBlank()) {
            throw invalid(where + ".mediaType is required");
        }
        requireMediaType(mediaType, where + ".mediaType");
        Digest digest;
        try {
            digest = Digest.parse(optionalString(object, "digest"));
        } catch (IllegalArgumentException e) {
            throw invalid(where + ".digest is not a valid digest");
        }
        if (!(object.get("size") instanceof JsonNumber size) || !size.isIntegral() || size.longValue() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        List<String> urls = null;
        if (object.get("urls") instanceof JsonArray array) {
            urls = array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
        return new Descriptor(mediaType, digest, size.longValue(), urls);
    }

    /** RFC 6838's type and subtype names, at most 127 characters each, as the image spec requires. */
    private static void requireMediaType(String mediaType, String where) {
        if (!MEDIA_TYPE.matcher(mediaType).matches()) {
            throw invalid(where + " is not a media type (RFC 6838: type/subtype, each at most 127 characters)");
        }
    }

    private static String optionalString(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        throw invalid(field + " must be a string");
    }

    private static String annotations(JsonValue value) {
        if (!(value instanceof JsonObject object)) {
            throw invalid("annotations must be an object");
        }
        for (JsonValue v : object.values()) {
            if (v.getValueType() != JsonValue.ValueType.STRING) {
                throw invalid("annotation values must be strings");
            }
        }
        return object.toString();
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(Problem.MANIFEST_INVALID, message);
    }
}
