package io.berth.it;

import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Writes OCI image layouts (image-layout.md) by hand, so that skopeo can push them without any network. */
final class OciLayout {

    private final Path dir;

    OciLayout(Path dir) {
        try {
            this.dir = Files.createDirectories(dir);
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores a blob and returns its descriptor JSON. */
    String blob(String mediaType, byte[] content) {
        String digest = sha256(content);
        try {
            Files.write(dir.resolve("blobs/sha256/" + digest.substring(7)), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + content.length + "}";
    }

    /** An image of {@code layers} gzip'd tar layers, each holding one file of the given content. */
    String image(String... layerContents) {
        return imageFor("amd64", layerContents);
    }

    String imageFor(String architecture, String... layerContents) {
        List<String> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < layerContents.length; i++) {
            byte[] tar = tar("file" + i + ".txt", bytes(layerContents[i]));
            diffIds.add("\"" + sha256(tar) + "\"");
            layers.add(blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar)));
        }
        String config = "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[" + String.join(",", diffIds) + "]}}";
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":" + blob("application/vnd.oci.image.config.v1+json", bytes(config))
                + ",\"layers\":[" + String.join(",", layers) + "]}";
        return blob("application/vnd.oci.image.manifest.v1+json", bytes(manifest));
    }

    /** A signature-like artifact whose subject is the given manifest descriptor. */
    String artifact(String subjectDescriptor, String payload) {
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.example.signature.v1\","
                + "\"config\":" + blob("application/vnd.oci.empty.v1+json", bytes("{}"))
                + ",\"layers\":[" + blob("application/vnd.example.signature.v1+json", bytes(payload)) + "],"
                + "\"subject\":" + subjectDescriptor + "}";
        return blob("application/vnd.oci.image.manifest.v1+json", bytes(manifest));
    }

    /** Writes index.json naming each descriptor with its tag. */
    void index(String... tagAndDescriptor) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < tagAndDescriptor.length; i += 2) {
            String descriptor = tagAndDescriptor[i + 1];
            entries.add(descriptor.substring(0, descriptor.length() - 1)
                    + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tagAndDescriptor[i] + "\"}}");
        }
        try {
            Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                    + String.join(",", entries) + "]}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String digestOf(String descriptor) {
        return RegistryHttp.json(descriptor).getString("digest");
    }

    private static byte[] tar(String name, byte[] content) {
        // A minimal ustar archive: one 512-byte header, the content padded to 512, two zero blocks.
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, String.format("%011o", 0));
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        int padded = (content.length + 511) / 512 * 512;
        byte[] tar = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, tar, 0, 512);
        System.arraycopy(content, 0, tar, 512, content.length);
        return tar;
    }

    private static void put(byte[] target, int offset, String text) {
        byte[] b = bytes(text);
        System.arraycopy(b, 0, target, offset, b.length);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
