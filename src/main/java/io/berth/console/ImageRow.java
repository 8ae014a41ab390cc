package io.berth.console;

import static io.berth.platform.Jsonp.JSON;

import io.berth.registry.ImageListing;
import io.berth.registry.MediaTypes;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * An image as the repository page lists it: its tags, digest, size, type, who pushed it when, when it was last
 * pulled, the platforms of an index, and the artifacts that refer to it (signatures, SBOMs).
 */
record ImageRow(String digest, String shortDigest, List<String> tagList, String size, String mediaType,
                String artifactType, String pushed, String pushedBy, String lastPulled, List<String> platforms,
                List<Referrer> referrers) {

    /** A referrer as the page names it: its artifact type and short digest. */
    record Referrer(String artifactType, String digest, String shortDigest) {
    }

    static ImageRow of(ImageListing.ImageDetails image, List<ImageListing.ReferrerSummary> referrers) {
        return new ImageRow(image.digest(), shortDigest(image.digest()), image.tags(), Format.bytes(image.size()),
                image.mediaType(), image.artifactMediaType() == null ? "" : image.artifactMediaType(),
                Format.time(image.pushedAt()), image.pushedBy() == null ? "" : image.pushedBy(),
                image.lastPulledAt() == null ? "never" : Format.time(image.lastPulledAt()), platforms(image),
                referrers.stream().map(r -> new Referrer(r.artifactType() == null ? "unknown type" : r.artifactType(),
                        r.digest(), shortDigest(r.digest()))).toList());
    }

    private static String shortDigest(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return digest.substring(0, digest.indexOf(':') + 1) + hex.substring(0, Math.min(12, hex.length()));
    }

    /** An index's platforms as {@code os/architecture[/variant]}, from its stored manifest. */
    private static List<String> platforms(ImageListing.ImageDetails image) {
        if (!MediaTypes.isIndex(image.mediaType())) {
            return List.of();
        }
        try (var reader = JSON.createReader(new ByteArrayInputStream(image.manifest()))) {
            return reader.readObject().getJsonArray("manifests").getValuesAs(JsonValue.class).stream()
                    .filter(child -> child instanceof JsonObject object && object.get("platform") instanceof JsonObject)
                    .map(child -> ((JsonObject) child).getJsonObject("platform"))
                    .map(p -> p.getString("os", "?") + "/" + p.getString("architecture", "?")
                            + (p.containsKey("variant") ? "/" + p.getString("variant", "") : ""))
                    .toList();
        } catch (JsonException | ClassCastException | NullPointerException e) {
            // Stored manifests were checked when pushed; one that does not read lists no platforms.
            return List.of();
        }
    }

    public String tags() {
        return String.join(", ", tagList);
    }

    public String firstTag() {
        return tagList.isEmpty() ? null : tagList.get(0);
    }
}
