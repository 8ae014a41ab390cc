package io.berth.registry;

import static io.berth.platform.Jsonp.JSON;

import io.berth.storage.Digest;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An image (Docker schema 2 or OCI) as a signed Docker schema 1 manifest, for a client that takes nothing newer. It
 * is built from the image's config as Distribution's converter builds it (its {@code configManifestBuilder}): one
 * {@code history} entry per entry of the config's history, newest first, each with a layer ({@code fsLayers}), the
 * gzip'd empty tar for an entry without one; v1 ids chained from the layer digests; the newest entry holds the
 * whole config. Deterministic: the same image, repository and tag give the same bytes.
 */
final class Schema1Conversion {

    /** The gzip'd empty tar schema 1 lists for a history entry without a layer: Distribution's bytes, exactly. */
    static final byte[] EMPTY_LAYER = {31, (byte) 139, 8, 0, 0, 9, 110, (byte) 136, 0, (byte) 255, 98, 24, 5,
            (byte) 163, 96, 20, (byte) 140, 88, 0, 8, 0, 0, (byte) 255, (byte) 255, 46, (byte) 175, (byte) 181,
            (byte) 239, 0, 4, 0, 0};
    static final Digest EMPTY_LAYER_DIGEST = Digest.sha256(EMPTY_LAYER);

    /** Layer types a Docker 1.9 client can unpack: tar, gzip'd or not. */
    private static final Set<String> LAYERS = Set.of("application/vnd.docker.image.rootfs.diff.tar.gzip",
            "application/vnd.docker.image.rootfs.diff.tar", "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.oci.image.layer.v1.tar");
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    /** The unsigned manifest, and whether it lists the empty layer (which must then be in the repository). */
    record Payload(byte[] bytes, boolean listsEmptyLayer, String created) {
    }

    private Schema1Conversion() {
    }

    static Payload payload(String repository, String tag, ParsedManifest manifest, byte[] configBytes) {
        if (!MediaTypes.IMAGE_MANIFESTS.contains(manifest.mediaType()) || manifest.artifactType() != null
                || !(MediaTypes.OCI_CONFIG.equals(manifest.config().mediaType())
                        || MediaTypes.DOCKER_CONFIG.equals(manifest.config().mediaType()))) {
            throw refused("it is not an image (" + manifest.effectiveArtifactType() + ")");
        }
        for (Descriptor layer : manifest.layers()) {
            if (!LAYERS.contains(layer.mediaType()) || layer.isForeign()) {
                throw refused("schema 1 has no place for its layer " + layer.digest() + " (" + layer.mediaType()
                        + (layer.isForeign() ? ", foreign" : "") + ")");
            }
        }
        JsonObject config = readConfig(configBytes);
        if (!(config.get("history") instanceof JsonArray history) || history.isEmpty()) {
            throw refused("its config has no history, which schema 1 is built from");
        }
        JsonArray diffIds = config.get("rootfs") instanceof JsonObject rootfs
                && rootfs.get("diff_ids") instanceof JsonArray ids ? ids : null;
        if (diffIds == null || diffIds.size() != manifest.layers().size()) {
            throw refused("its config's rootfs does not list its " + manifest.layers().size() + " layers");
        }
        int entries = history.size();
        String[] blobSums = new String[entries];
        String[] v1Compatibility = new String[entries];
        String parent = "";
        int layer = 0;
        boolean listsEmptyLayer = false;
        for (int i = 0; i < entries; i++) {
            if (!(history.get(i) instanceof JsonObject entry)) {
                throw refused("history[" + i + "] is not an object");
            }
            boolean empty = entry.getBoolean("empty_layer", false);
            Digest blobSum;
            if (empty) {
                blobSum = EMPTY_LAYER_DIGEST;
                listsEmptyLayer = true;
            } else if (layer < manifest.layers().size()) {
                blobSum = manifest.layers().get(layer++).digest();
            } else {
                throw refused("its history has more entries with a layer than it has layers");
            }
            int newestFirst = entries - 1 - i;
            blobSums[newestFirst] = blobSum.toString();
            if (i < entries - 1) {
                String id = sha256Hex(blobSum.hex() + " " + parent);
                JsonObjectBuilder compatibility = JSON.createObjectBuilder().add("id", id);
                if (!parent.isEmpty()) {
                    compatibility.add("parent", parent);
                }
                String comment = text(entry, "comment");
                if (!comment.isEmpty()) {
                    compatibility.add("comment", comment);
                }
                compatibility.add("created", text(entry, "created").isEmpty() ? ZERO_TIME : text(entry, "created"))
                        .add("container_config", JSON.createObjectBuilder().add("Cmd",
                                JSON.createArrayBuilder().add(text(entry, "created_by"))));
                String author = text(entry, "author");
                if (!author.isEmpty()) {
                    compatibility.add("author", author);
                }
                if (empty) {
                    compatibility.add("throwaway", true);
                }
                v1Compatibility[newestFirst] = compatibility.build().toString();
                parent = id;
            } else {
                // The newest entry: the whole config (without rootfs and history), its id over the config's bytes.
                String id = sha256Hex(blobSum.hex() + " " + parent + " "
                        + new String(configBytes, StandardCharsets.UTF_8));
                Map<String, JsonValue> top = new TreeMap<>(config);
                top.remove("rootfs");
                top.remove("history");
                top.put("id", JSON.createValue(id));
                if (!parent.isEmpty()) {
                    top.put("parent", JSON.createValue(parent));
                }
                if (empty) {
                    top.put("throwaway", JsonValue.TRUE);
                }
                JsonObjectBuilder sorted = JSON.createObjectBuilder();
                top.forEach(sorted::add);
                v1Compatibility[newestFirst] = sorted.build().toString();
            }
        }
        if (layer != manifest.layers().size()) {
            throw refused("it has more layers than its history has entries with a layer");
        }
        JsonArrayBuilder fsLayers = JSON.createArrayBuilder();
        JsonArrayBuilder historyOut = JSON.createArrayBuilder();
        for (int i = 0; i < entries; i++) {
            fsLayers.add(JSON.createObjectBuilder().add("blobSum", blobSums[i]));
            historyOut.add(JSON.createObjectBuilder().add("v1Compatibility", v1Compatibility[i]));
        }
        String payload = JSON.createObjectBuilder().add("schemaVersion", 1).add("name", repository).add("tag", tag)
                .add("architecture", text(config, "architecture")).add("fsLayers", fsLayers)
                .add("history", historyOut).build().toString();
        String created = text(config, "created");
        return new Payload(payload.getBytes(StandardCharsets.UTF_8), listsEmptyLayer,
                created.isEmpty() ? "1970-01-01T00:00:00Z" : created);
    }

    /**
     * The payload signed as libtrust signs it, in its "pretty" form: the payload without its closing brace, the
     * signatures as its last member. The signature's time is the image's creation, so that the bytes are the same
     * every time.
     */
    static byte[] sign(Payload payload, ManifestSigningKey key) {
        byte[] bytes = payload.bytes();
        int formatLength = bytes.length - 1; // compact JSON: only the closing brace follows the last member
        Base64.Encoder base64Url = Base64.getUrlEncoder().withoutPadding();
        String protectedHeader = base64Url.encodeToString(JSON.createObjectBuilder()
                .add("formatLength", formatLength).add("formatTail", base64Url.encodeToString(new byte[] {'}'}))
                .add("time", payload.created()).build().toString().getBytes(StandardCharsets.UTF_8));
        byte[] signingInput = (protectedHeader + "." + base64Url.encodeToString(bytes))
                .getBytes(StandardCharsets.US_ASCII);
        String signatures = JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                .add("header", JSON.createObjectBuilder().add("jwk", key.publicJwk()).add("alg", "RS256"))
                .add("signature", base64Url.encodeToString(key.sign(signingInput)))
                .add("protected", protectedHeader)).build().toString();
        return (new String(bytes, 0, formatLength, StandardCharsets.UTF_8) + ",\"signatures\":" + signatures + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject readConfig(byte[] bytes) {
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(bytes))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw refused("its config is not a JSON object");
        }
    }

    private static String text(JsonObject json, String member) {
        return json.get(member) instanceof JsonString value ? value.getString() : "";
    }

    private static String sha256Hex(String text) {
        return Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).hex();
    }

    private static RegistryException refused(String why) {
        return new RegistryException(Problem.MANIFEST_UNKNOWN,
                "the image cannot be converted to Docker schema 1, the only format the client accepts: " + why);
    }
}
