package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.lifecycle.LifecycleRuns;
import io.berth.registry.RegistryEvent;
import io.berth.registry.RegistryEvent.BlobUploaded;
import io.berth.registry.RegistryEvent.ImageDeleted;
import io.berth.registry.RegistryEvent.ImagePulled;
import io.berth.registry.RegistryEvent.ImagePushed;
import io.berth.registry.RegistryEvent.RepositoryCreated;
import io.berth.registry.RegistryEvent.TagMoved;
import io.berth.registry.Repositories;
import jakarta.inject.Inject;
import java.io.File;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs inside the server: the real WAR plus an observer. Requests go over HTTP as a client's would; the observer
 * shows which domain events they fired, with who, when and what.
 */
@ExtendWith(ArquillianExtension.class)
class RegistryEventsIT {

    @Inject
    EventRecorder recorder;

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("berth.war")))
                .addClasses(EventRecorder.class, RegistryHttp.class);
    }

    @Test
    void pushesTagMovesPullsAndDeletesFireEvents() {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/repo-" + System.nanoTime();
        long before = System.currentTimeMillis();

        String first = registry.imageManifest(name, OCI_MANIFEST, "one");
        String second = registry.imageManifest(name, OCI_MANIFEST, "two");
        assertEquals(201, registry.putManifest(name, "latest", OCI_MANIFEST, first).statusCode());
        assertEquals(201, registry.putManifest(name, "latest", OCI_MANIFEST, second).statusCode());
        assertEquals(200, registry.get("/v2/" + name + "/manifests/latest").statusCode());
        assertEquals(202, registry.send("DELETE", "/v2/" + name + "/manifests/" + sha256(bytes(second)), null)
                .statusCode());

        // Events name repositories as the domain does: qualified by their account.
        List<RegistryEvent> events = recorder.forRepository("000000000000/" + name);
        assertEquals(1, events.stream().filter(RepositoryCreated.class::isInstance).count());
        assertEquals(4, events.stream().filter(BlobUploaded.class::isInstance).count(), events.toString());
        List<ImagePushed> pushed = events.stream().filter(ImagePushed.class::isInstance).map(ImagePushed.class::cast)
                .toList();
        assertEquals(List.of(sha256(bytes(first)), sha256(bytes(second))),
                pushed.stream().map(ImagePushed::digest).toList());
        assertTrue(pushed.get(0).size() > bytes(first).length, "size includes config and layers");

        List<TagMoved> moves = events.stream().filter(TagMoved.class::isInstance).map(TagMoved.class::cast).toList();
        assertEquals(2, moves.size());
        assertEquals(null, moves.get(0).oldDigest());
        assertEquals(sha256(bytes(first)), moves.get(1).oldDigest());
        assertEquals(sha256(bytes(second)), moves.get(1).newDigest());

        ImagePulled pulled = events.stream().filter(ImagePulled.class::isInstance).map(ImagePulled.class::cast)
                .findFirst().orElseThrow();
        assertEquals(sha256(bytes(second)), pulled.digest());
        assertEquals("latest", pulled.reference());

        ImageDeleted deleted = events.stream().filter(ImageDeleted.class::isInstance).map(ImageDeleted.class::cast)
                .findFirst().orElseThrow();
        assertEquals(List.of("latest"), deleted.tags());
        assertEquals(null, deleted.expiredByRule(), "a user's delete");
        for (RegistryEvent event : events) {
            assertEquals("000000000000/admin", event.actor(), "the account and user who did it");
            assertTrue(event.at() >= before);
        }
    }

    @Inject
    LifecycleRuns lifecycle;

    @Inject
    Repositories repositories;

    @Test
    void lifecycleExpiryFiresTheDeleteEventWithTheRuleThatExpired() throws InterruptedException {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/lifecycle-" + System.nanoTime();
        String old = registry.imageManifest(name, OCI_MANIFEST, "old build");
        assertEquals(201, registry.putManifest(name, "build-1", OCI_MANIFEST, old).statusCode());
        Thread.sleep(5);
        String current = registry.imageManifest(name, OCI_MANIFEST, "current build");
        assertEquals(201, registry.putManifest(name, "build-2", OCI_MANIFEST, current).statusCode());
        String qualified = "000000000000/" + name;
        repositories.setLifecyclePolicy(qualified, "{\"rules\":[{\"rulePriority\":7,\"selection\":{\"tagStatus\":"
                + "\"tagged\",\"tagPrefixList\":[\"build-\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1},"
                + "\"action\":{\"type\":\"expire\"}}]}");

        LifecycleRuns.Applied applied = lifecycle.apply(qualified);
        assertEquals(1, applied.expired());
        ImageDeleted expired = recorder.forRepository(qualified).stream().filter(ImageDeleted.class::isInstance)
                .map(ImageDeleted.class::cast).findFirst().orElseThrow();
        assertEquals(sha256(bytes(old)), expired.digest());
        assertEquals(List.of("build-1"), expired.tags());
        assertEquals(7, expired.expiredByRule());
        assertEquals(LifecycleRuns.ACTOR, expired.actor());
        assertEquals(200, registry.get("/v2/" + name + "/manifests/build-2").statusCode());
        assertEquals(0, lifecycle.apply(qualified).expired(), "a second run finds nothing more to expire");
    }
}
