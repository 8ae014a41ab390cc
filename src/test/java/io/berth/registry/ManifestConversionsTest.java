package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.storage.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestConversionsTest {

    static final String CONFIG = "sha256:" + "c".repeat(64);
    static final String LAYER = "sha256:" + "1".repeat(64);

    static String manifest(String type, String configType, String layerType, String extra) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + type + "\"," + extra + "\"config\":{\"mediaType\":\""
                + configType + "\",\"digest\":\"" + CONFIG + "\",\"size\":7},\"layers\":[{\"mediaType\":\""
                + layerType + "\",\"digest\":\"" + LAYER + "\",\"size\":10,\"annotations\":{\"a\":\"b\"}}]}";
    }

    static StoredManifest stored(String json, String type) {
        byte[] content = json.getBytes(StandardCharsets.UTF_8);
        return new StoredManifest(Digest.sha256(content).toString(), type, content, null);
    }

    static String text(StoredManifest manifest) {
        return new String(manifest.content(), StandardCharsets.UTF_8);
    }

    static final RepositoryName REPOSITORY = RepositoryName.parse("000000000000/team/app");
    final ManifestConversions conversions = new ManifestConversions();

    @Test
    void anOciImageBecomesDockerSchema2ForAClientThatTakesOnlyThat() {
        StoredManifest oci = stored(manifest(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG,
                "application/vnd.oci.image.layer.v1.tar+gzip", "\"annotations\":{\"x\":\"y\"},"),
                MediaTypes.OCI_MANIFEST);
        StoredManifest docker = conversions.forClient(REPOSITORY, "v1", oci, AcceptedTypes.parse(List.of(MediaTypes.DOCKER_MANIFEST)));
        assertEquals(MediaTypes.DOCKER_MANIFEST, docker.mediaType());
        assertEquals("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"" + MediaTypes.DOCKER_CONFIG + "\",\"size\":7,\"digest\":\"" + CONFIG + "\"},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":10,"
                + "\"digest\":\"" + LAYER + "\"}]}", text(docker));
        assertEquals(Digest.sha256(docker.content()).toString(), docker.digest(), "the digest of the bytes sent");
        // Deterministic: converted again (not from the cache), the same bytes.
        assertArrayEquals(docker.content(), ManifestConversions.toDockerSchema2(
                ManifestParser.parse(oci.content(), oci.mediaType())));
        // The client takes it back as OCI: the same layers and config.
        StoredManifest back = conversions.forClient(REPOSITORY, "v1", docker, AcceptedTypes.parse(List.of(MediaTypes.OCI_MANIFEST)));
        assertTrue(text(back).contains("\"application/vnd.oci.image.layer.v1.tar+gzip\""));
        assertTrue(text(back).contains(CONFIG));
    }

    @Test
    void whatTheClientTakesIsNotConverted() {
        StoredManifest oci = stored(manifest(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG,
                "application/vnd.oci.image.layer.v1.tar", ""), MediaTypes.OCI_MANIFEST);
        assertSame(oci, conversions.forClient(REPOSITORY, "v1", oci, AcceptedTypes.ANY));
        assertSame(oci, conversions.forClient(REPOSITORY, "v1", oci, AcceptedTypes.parse(List.of("*/*"))));
        assertSame(oci, conversions.forClient(REPOSITORY, "v1", oci, AcceptedTypes.parse(List.of(MediaTypes.DOCKER_MANIFEST + ", "
                + MediaTypes.OCI_MANIFEST + ";q=0.5"))));
    }

    @Test
    void whatDockerHasNoTypeForIsRefused() {
        AcceptedTypes docker = AcceptedTypes.parse(List.of(MediaTypes.DOCKER_MANIFEST));
        StoredManifest zstd = stored(manifest(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG,
                "application/vnd.oci.image.layer.v1.tar+zstd", ""), MediaTypes.OCI_MANIFEST);
        RegistryException refused = assertThrows(RegistryException.class, () -> conversions.forClient(REPOSITORY, "v1", zstd, docker));
        assertEquals(Problem.MANIFEST_UNKNOWN, refused.problem());
        assertTrue(refused.getMessage().contains("tar+zstd"), refused.getMessage());
        StoredManifest artifact = stored(manifest(MediaTypes.OCI_MANIFEST, "application/vnd.example.sbom+json",
                "application/vnd.oci.image.layer.v1.tar", ""), MediaTypes.OCI_MANIFEST);
        assertThrows(RegistryException.class, () -> conversions.forClient(REPOSITORY, "v1", artifact, docker));
        StoredManifest typedArtifact = stored(manifest(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG,
                "application/vnd.oci.image.layer.v1.tar", "\"artifactType\":\"application/vnd.example\","),
                MediaTypes.OCI_MANIFEST);
        assertThrows(RegistryException.class, () -> conversions.forClient(REPOSITORY, "v1", typedArtifact, docker));
    }

    @Test
    void aConfigLargerThanAManifestIsNotReadForSchema1() {
        StoredManifest huge = stored(manifest(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_CONFIG,
                "application/vnd.oci.image.layer.v1.tar+gzip", "").replace("\"size\":7", "\"size\":5000000000"),
                MediaTypes.OCI_MANIFEST);
        RegistryException refused = assertThrows(RegistryException.class, () -> conversions.forClient(REPOSITORY,
                "v1", huge, AcceptedTypes.parse(List.of(MediaTypes.DOCKER_SCHEMA1_SIGNED))));
        assertEquals(Problem.MANIFEST_UNKNOWN, refused.problem());
        assertTrue(refused.getMessage().contains("config is larger"), refused.getMessage());
    }

    @Test
    void acceptLinesAreListsWithParameters() {
        AcceptedTypes accepted = AcceptedTypes.parse(List.of(MediaTypes.OCI_MANIFEST,
                MediaTypes.DOCKER_MANIFEST + " ; q=0.9, application/json"));
        assertTrue(accepted.accepts(MediaTypes.OCI_MANIFEST));
        assertTrue(accepted.accepts(MediaTypes.DOCKER_MANIFEST));
        assertTrue(accepted.accepts(MediaTypes.DOCKER_SCHEMA1_SIGNED), "application/json is schema 1's old name");
        assertFalse(accepted.accepts(MediaTypes.OCI_INDEX));
        assertTrue(AcceptedTypes.parse(List.of()).any());
    }
}
