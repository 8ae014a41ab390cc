package io.berth.console;

import io.berth.registry.ImageListing;
import java.util.List;

/** An image as the repository page lists it. */
record ImageRow(String digest, String shortDigest, List<String> tagList, String size, String mediaType,
                String pushed, String lastPulled) {

    static ImageRow of(ImageListing.ImageDetails image) {
        String digest = image.digest();
        String hex = digest.substring(digest.indexOf(':') + 1);
        return new ImageRow(digest, digest.substring(0, digest.indexOf(':') + 1) + hex.substring(0, Math.min(12,
                hex.length())), image.tags(), Format.bytes(image.size()), image.mediaType(),
                Format.time(image.pushedAt()), image.lastPulledAt() == null ? "never"
                : Format.time(image.lastPulledAt()));
    }

    public String tags() {
        return String.join(", ", tagList);
    }

    public String firstTag() {
        return tagList.isEmpty() ? null : tagList.get(0);
    }
}
