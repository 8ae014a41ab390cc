package io.berth.console;

import io.berth.registry.ImageListing;

/** An image as the repository page lists it. */
record ImageRow(String digest, String shortDigest, String tags, String firstTag, String size, String mediaType,
                String pushed, String lastPulled) {

    static ImageRow of(ImageListing.ImageDetails image) {
        String digest = image.digest();
        String hex = digest.substring(digest.indexOf(':') + 1);
        return new ImageRow(digest, digest.substring(0, digest.indexOf(':') + 1) + hex.substring(0, Math.min(12,
                hex.length())), String.join(", ", image.tags()), image.tags().isEmpty() ? null : image.tags().get(0),
                Format.bytes(image.size()), image.mediaType(), Format.time(image.pushedAt()),
                image.lastPulledAt() == null ? "never" : Format.time(image.lastPulledAt()));
    }
}
