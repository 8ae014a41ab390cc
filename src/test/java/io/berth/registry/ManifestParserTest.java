package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestParserTest {

    static final String CONFIG = "sha256:" + "c".repeat(64);
    static final String LAYER = "sha256:" + "1".repeat(64);

    static String imageManifest(String mediaTypeField) {
        return "{\"schemaVersion\":2," + mediaTypeField
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\"" + LAYER + "\",\"size\":10}]}";
    }

    static ParsedManifest parse(String json, String contentType) {
        return ManifestParser.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }

    static Problem problem(String json, String contentType) {
        return assertThrows(RegistryException.class, () -> parse(json, contentType)).problem();
    }

    @Test
    void readsAnOciImageManifest() {
        ParsedManifest m = parse(imageManifest("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","),
                MediaTypes.OCI_MANIFEST);
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(CONFIG, m.config().digest().toString());
        assertEquals(1, m.layers().size());
        assertEquals("application/vnd.oci.image.config.v1+json", m.effectiveArtifactType());
        assertNull(m.subject());
    }

    @Test
    void withoutMediaTypeFieldTheContentTypeDecides() {
        assertEquals(MediaTypes.DOCKER_MANIFEST, parse(imageManifest(""), MediaTypes.DOCKER_MANIFEST).mediaType());
        assertEquals(MediaTypes.OCI_MANIFEST, parse(imageManifest(""), null).mediaType());
    }

    @Test
    void aMediaTypeThatDisagreesWithContentTypeIsInvalid() {
        assertEquals(Problem.MANIFEST_INVALID,
                problem(imageManifest("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","),
                        MediaTypes.DOCKER_MANIFEST));
    }

    @Test
    void anArtifactWithSubjectAndArtifactType() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"artifactType\":\"application/vnd.example.sig\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + CONFIG
                + "\",\"size\":2},\"layers\":[],\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\"" + LAYER + "\",\"size\":5},\"annotations\":{\"k\":\"v\"}}";
        ParsedManifest m = parse(json, MediaTypes.OCI_MANIFEST);
        assertEquals("application/vnd.example.sig", m.effectiveArtifactType());
        assertEquals(LAYER, m.subject().toString());
        assertEquals("{\"k\":\"v\"}", m.annotationsJson());
    }

    @Test
    void readsAnIndex() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + LAYER + "\",\"size\":7,"
                + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";
        ParsedManifest m = parse(json, MediaTypes.OCI_INDEX);
        assertTrue(m.isIndex());
        assertEquals(1, m.manifests().size());
    }

    @Test
    void refusesWhatIsNotAManifest() {
        assertEquals(Problem.MANIFEST_INVALID, problem("not json", null));
        assertEquals(Problem.MANIFEST_INVALID, problem("[1,2]", null));
        assertEquals(Problem.MANIFEST_INVALID, problem("{}", MediaTypes.OCI_MANIFEST));
        assertEquals(Problem.MANIFEST_INVALID, problem("{\"schemaVersion\":1}", MediaTypes.DOCKER_SCHEMA1));
        assertEquals(Problem.MANIFEST_INVALID, problem(imageManifest(""), "application/x-unknown"));
        assertEquals(Problem.MANIFEST_INVALID, problem(imageManifest("").replace(LAYER, "sha256:xyz"), null));
        assertEquals(Problem.MANIFEST_INVALID, problem(imageManifest("").replace("\"size\":10", "\"size\":-1"),
                null));
        assertEquals(Problem.MANIFEST_INVALID, problem(imageManifest("").replace("\"layers\":[", "\"layers\":{")
                .replace("}]}", "}}}"), null));
    }
}
