package io.berth.registry;

import static io.berth.platform.Jsonp.JSON;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.storage.BlobStore;
import io.berth.storage.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Amazon ECR's manifest conversion on pull by tag: a client that does not take the format an image was pushed in gets
 * it in one it takes, where the image can be said in it (ECR's user guide, "Image manifest format conversion"). A
 * conversion is deterministic (same manifest, same bytes, same digest) and its {@code Docker-Content-Digest} is the
 * digest of the bytes sent. Pulls by digest never convert: that digest names the stored bytes.
 */
@ApplicationScoped
public class ManifestConversions {

    /** OCI layer types and their Docker schema 2 names (the image spec's compatibility matrix). */
    private static final Map<String, String> OCI_TO_DOCKER_LAYER = Map.of(
            "application/vnd.oci.image.layer.v1.tar", "application/vnd.docker.image.rootfs.diff.tar",
            "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.docker.image.rootfs.foreign.diff.tar",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
    private static final Map<String, String> DOCKER_TO_OCI_LAYER = new HashMap<>();
    /** Who uploads the empty layer of schema 1 conversions, in the audit trail and events. */
    private static final String CONVERTER = "berth:schema1-conversion";

    static {
        OCI_TO_DOCKER_LAYER.forEach((oci, docker) -> DOCKER_TO_OCI_LAYER.put(docker, oci));
        // Docker's zstd name (containers/image writes it) has an OCI counterpart; the way back has none.
        DOCKER_TO_OCI_LAYER.put("application/vnd.docker.image.rootfs.diff.tar.zst",
                "application/vnd.oci.image.layer.v1.tar+zstd");
    }

    /** A schema 1 conversion names its repository and tag; the others depend on the stored bytes alone. */
    private record Key(String storedDigest, String targetType, String repository, String tag) {
    }

    /** A converted manifest, and whether it lists schema 1's empty layer (which must be in the repository). */
    private record Conversion(StoredManifest manifest, boolean listsEmptyLayer) {
    }

    /** Conversions are pure functions of what their key names: cached, never invalidated. */
    private final Cache<Key, Conversion> converted = Caffeine.newBuilder().maximumSize(10_000).build();

    @Inject
    BlobStore store;

    @Inject
    ManifestSigningKey signingKey;

    @Inject
    Blobs blobs;

    @Inject
    Uploads uploads;

    @Inject
    ManifestReads reads;

    /**
     * What a client pulling {@code stored} by {@code tag} gets: the stored manifest when it takes its format (or
     * names none), else the stored manifest converted to a format it takes: OCI and Docker schema 2 into each other,
     * either into a signed Docker schema 1 manifest for a client that takes only that, an index into the other kind
     * of index, or into its linux/amd64 image for a client that takes no index.
     *
     * @throws RegistryException MANIFEST_UNKNOWN when the client takes no format this manifest can be given in
     */
    public StoredManifest forClient(RepositoryName repository, String tag, StoredManifest stored,
                                    AcceptedTypes accepted) {
        if (accepted.accepts(stored.mediaType())) {
            return stored;
        }
        String type = stored.mediaType();
        if (MediaTypes.isIndex(type)) {
            String otherIndex = type.equals(MediaTypes.OCI_INDEX) ? MediaTypes.DOCKER_MANIFEST_LIST
                    : MediaTypes.OCI_INDEX;
            if (accepted.accepts(otherIndex)) {
                return converted.get(new Key(stored.digest(), otherIndex, repository.toString(), null),
                        key -> new Conversion(convertIndex(repository, stored, otherIndex), false)).manifest();
            }
            if (accepted.accepts(MediaTypes.OCI_MANIFEST) || accepted.accepts(MediaTypes.DOCKER_MANIFEST)
                    || accepted.acceptsSchema1()) {
                // A client that takes no index at all gets its linux/amd64 image, as Distribution answers one.
                return forClient(repository, tag, platformImage(repository, stored), accepted);
            }
        } else if (MediaTypes.IMAGE_MANIFESTS.contains(type)) {
            String other = type.equals(MediaTypes.OCI_MANIFEST) ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
            if (accepted.accepts(other)) {
                return converted.get(new Key(stored.digest(), other, null, null),
                        key -> new Conversion(convert(stored, other), false)).manifest();
            }
            if (accepted.acceptsSchema1()) {
                Conversion schema1 = converted.get(new Key(stored.digest(), MediaTypes.DOCKER_SCHEMA1_SIGNED,
                        repository.toString(), tag), key -> toSchema1(repository, tag, stored));
                if (schema1.listsEmptyLayer()) {
                    ensureEmptyLayer(repository); // every time: collection may have taken it since
                }
                return schema1.manifest();
            }
        }
        // ECR: "no translation available"; the client gets what is stored and decides.
        return stored;
    }

    /**
     * An OCI index as a Docker manifest list, or the other way round, child by child: each image converted to the
     * list's own kind (and kept, so that its digest can be pulled), its platform carried over; a child that cannot be
     * converted (an artifact such as an attestation, a zstd image) is left out, as a client of that format could not
     * use it. Annotations, subject and artifactType have no place in a Docker list and are left out both ways.
     */
    private StoredManifest convertIndex(RepositoryName repository, StoredManifest index, String target) {
        boolean toDocker = target.equals(MediaTypes.DOCKER_MANIFEST_LIST);
        String childType = toDocker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
        JsonObject json = ManifestParser.readObject(index.content());
        JsonArrayBuilder children = JSON.createArrayBuilder();
        int kept = 0;
        for (JsonObject entry : json.getJsonArray("manifests").getValuesAs(JsonObject.class)) {
            StoredManifest child;
            try {
                child = reads.find(repository, entry.getString("digest")).manifest();
            } catch (RegistryException missing) {
                continue; // a sparse index's child that is not here
            }
            StoredManifest asChild;
            if (child.mediaType().equals(childType)) {
                asChild = child;
            } else if (MediaTypes.IMAGE_MANIFESTS.contains(child.mediaType())) {
                try {
                    asChild = convert(child, childType);
                } catch (RegistryException cannotBeSaid) {
                    continue;
                }
                keep(repository, child.digest(), asChild);
            } else {
                continue;
            }
            JsonObjectBuilder descriptor = JSON.createObjectBuilder().add("mediaType", childType)
                    .add("size", asChild.content().length).add("digest", asChild.digest());
            if (entry.get("platform") instanceof JsonObject platform) {
                JsonObjectBuilder carried = JSON.createObjectBuilder();
                for (String member : List.of("architecture", "os", "os.version", "os.features", "variant")) {
                    if (platform.containsKey(member)) {
                        carried.add(member, platform.get(member));
                    }
                }
                descriptor.add("platform", carried);
            }
            children.add(descriptor);
            kept++;
        }
        if (kept == 0) {
            throw refused("none of the images it lists can be given as " + childType);
        }
        byte[] content = JSON.createObjectBuilder().add("schemaVersion", 2).add("mediaType", target)
                .add("manifests", children).build().toString().getBytes(StandardCharsets.UTF_8);
        return new StoredManifest(Digest.sha256(content).toString(), target, content, null);
    }

    private void keep(RepositoryName repository, String sourceDigest, StoredManifest converted) {
        try {
            reads.keepConversion(repository, sourceDigest, converted);
        } catch (RuntimeException e) {
            try {
                reads.find(repository, converted.digest()); // another request kept the same bytes first
            } catch (RegistryException notKept) {
                throw e;
            }
        }
    }

    /** The first linux/amd64 manifest an index lists (Distribution's default platform). */
    private StoredManifest platformImage(RepositoryName repository, StoredManifest index) {
        JsonObject json = ManifestParser.readObject(index.content());
        for (JsonObject entry : json.getJsonArray("manifests").getValuesAs(JsonObject.class)) {
            JsonObject platform = entry.getJsonObject("platform");
            if (platform != null && "linux".equals(platform.getString("os", null))
                    && "amd64".equals(platform.getString("architecture", null))) {
                return reads.find(repository, entry.getString("digest")).manifest();
            }
        }
        throw new RegistryException(Problem.MANIFEST_UNKNOWN, "the client accepts no index, and the index lists no"
                + " linux/amd64 image to give it instead");
    }

    private static StoredManifest convert(StoredManifest stored, String target) {
        ParsedManifest manifest = ManifestParser.parse(stored.content(), stored.mediaType());
        byte[] content = target.equals(MediaTypes.DOCKER_MANIFEST) ? toDockerSchema2(manifest) : toOci(manifest);
        return new StoredManifest(Digest.sha256(content).toString(), target, content, null);
    }

    private Conversion toSchema1(RepositoryName repository, String tag, StoredManifest stored) {
        ParsedManifest manifest = ManifestParser.parse(stored.content(), stored.mediaType());
        long size = manifest.config().size();
        if (size > Manifests.MAX_MANIFEST_BYTES) {
            // Its history goes into the manifest: a config larger than a manifest may be cannot fit.
            throw refused("its config is larger than " + Manifests.MAX_MANIFEST_BYTES + " bytes");
        }
        byte[] config;
        try (InputStream in = store.open(manifest.config().digest(), 0, size)) {
            config = in.readAllBytes();
        } catch (EOFException e) {
            throw refused("its config is shorter than its descriptor says");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the config of " + stored.digest(), e);
        }
        Schema1Conversion.Payload payload = Schema1Conversion.payload(repository.name(), tag, manifest, config);
        return new Conversion(new StoredManifest(Digest.sha256(payload.bytes()).toString(),
                MediaTypes.DOCKER_SCHEMA1_SIGNED, Schema1Conversion.sign(payload, signingKey), null),
                payload.listsEmptyLayer());
    }

    /** The empty layer a schema 1 manifest lists must be a blob of its repository, as Distribution makes it. */
    private void ensureEmptyLayer(RepositoryName repository) {
        try {
            blobs.stat(repository, Schema1Conversion.EMPTY_LAYER_DIGEST);
        } catch (RegistryException notThere) {
            uploads.uploadWhole(repository, Schema1Conversion.EMPTY_LAYER_DIGEST,
                    new ByteArrayInputStream(Schema1Conversion.EMPTY_LAYER), CONVERTER);
        }
    }

    /**
     * An OCI image manifest as Docker schema 2: the config and layers relabelled, everything Docker's format has no
     * place for (annotations, subject, artifactType) left out. An artifact, or a layer Docker has no type for (zstd,
     * encrypted), cannot be said in it.
     */
    static byte[] toDockerSchema2(ParsedManifest manifest) {
        if (manifest.artifactType() != null || !MediaTypes.OCI_CONFIG.equals(manifest.config().mediaType())) {
            throw refused("it is an artifact (" + manifest.effectiveArtifactType() + "), not an image");
        }
        JsonArrayBuilder layers = JSON.createArrayBuilder();
        for (Descriptor layer : manifest.layers()) {
            String type = OCI_TO_DOCKER_LAYER.get(layer.mediaType());
            if (type == null) {
                throw refused("Docker schema 2 has no media type for its layer " + layer.digest() + " ("
                        + layer.mediaType() + ")");
            }
            layers.add(descriptor(type, layer));
        }
        return JSON.createObjectBuilder().add("schemaVersion", 2).add("mediaType", MediaTypes.DOCKER_MANIFEST)
                .add("config", descriptor(MediaTypes.DOCKER_CONFIG, manifest.config())).add("layers", layers)
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A Docker schema 2 manifest as an OCI image manifest: the config and layers relabelled (the config's bytes
     * stay: OCI readers ignore the members Docker adds).
     */
    static byte[] toOci(ParsedManifest manifest) {
        if (!MediaTypes.DOCKER_CONFIG.equals(manifest.config().mediaType())) {
            throw refused("its config is " + manifest.config().mediaType() + ", not an image's");
        }
        JsonArrayBuilder layers = JSON.createArrayBuilder();
        for (Descriptor layer : manifest.layers()) {
            String type = DOCKER_TO_OCI_LAYER.get(layer.mediaType());
            if (type == null) {
                throw refused("OCI has no media type for its layer " + layer.digest() + " (" + layer.mediaType() + ")");
            }
            layers.add(descriptor(type, layer));
        }
        return JSON.createObjectBuilder().add("schemaVersion", 2).add("mediaType", MediaTypes.OCI_MANIFEST)
                .add("config", descriptor(MediaTypes.OCI_CONFIG, manifest.config())).add("layers", layers)
                .build().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObjectBuilder descriptor(String mediaType, Descriptor descriptor) {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("mediaType", mediaType)
                .add("size", descriptor.size()).add("digest", descriptor.digest().toString());
        if (descriptor.urls() != null && !descriptor.urls().isEmpty()) {
            json.add("urls", JSON.createArrayBuilder(List.copyOf(descriptor.urls())));
        }
        return json;
    }

    private static RegistryException refused(String why) {
        return new RegistryException(Problem.MANIFEST_UNKNOWN,
                "the manifest is not in a format the client accepts and cannot be converted: " + why);
    }
}
