package io.berth.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.berth.registry.RegistryEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final String REPO = "000000000000/team/app";
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void everyRegistryEventReadsBackEqual() {
        List<RegistryEvent> events = List.of(
                new RegistryEvent.RepositoryCreated(REPO, "admin", 1L),
                new RegistryEvent.RepositoryDeleted(REPO, 3, "admin", 2L),
                new RegistryEvent.BlobUploaded(REPO, DIGEST, 10L, "admin", 3L),
                new RegistryEvent.BlobMounted(REPO, "000000000000/other", DIGEST, "admin", 4L),
                new RegistryEvent.BlobDeleted(REPO, DIGEST, "admin", 5L),
                new RegistryEvent.ImagePushed(REPO, DIGEST, "application/vnd.oci.image.manifest.v1+json", 99L,
                        12L, List.of("latest"), "admin", 6L),
                new RegistryEvent.TagMoved(REPO, "latest", null, DIGEST, "admin", 7L),
                new RegistryEvent.TagDeleted(REPO, "latest", DIGEST, "admin", 8L),
                new RegistryEvent.ImageDeleted(REPO, DIGEST, List.of("a", "b"), "lifecycle", 9L,
                        RegistryEvent.Cause.LIFECYCLE, 7),
                new RegistryEvent.ImageDeleted(REPO, DIGEST, List.of(), "admin", 9L, RegistryEvent.Cause.USER, null),
                new RegistryEvent.ImagePulled(REPO, DIGEST, "latest", 3L, 36L, "admin", 10L),
                new RegistryEvent.BlobDownloaded(REPO, DIGEST, 2L, 1234L, "admin", 11L));
        for (RegistryEvent event : events) {
            assertEquals(event, EventCodec.read(EventCodec.type(event), EventCodec.write(event)));
        }
    }

    @Test
    void aStoredTypeThatIsNoEventIsNeverInstantiated() {
        assertThrows(IllegalArgumentException.class, () -> EventCodec.read("java.lang.Thread", "{}"));
        assertThrows(IllegalArgumentException.class, () -> EventCodec.read("java.util.ArrayList", "[]"));
        assertThrows(IllegalArgumentException.class, () -> EventCodec.read("no.such.Type", "{}"));
    }
}
