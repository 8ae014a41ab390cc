package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.lifecycle.LifecycleRuns;
import io.berth.registry.RegistryEvent;
import io.berth.events.Published;
import io.berth.registry.RegistryEvent.BlobDownloaded;
import io.berth.registry.RegistryEvent.BlobUploaded;
import io.berth.registry.RegistryEvent.ImageDeleted;
import io.berth.registry.RegistryEvent.ImagePulled;
import io.berth.registry.RegistryEvent.ImagePushed;
import io.berth.registry.RegistryEvent.RepositoryCreated;
import io.berth.registry.RegistryEvent.RepositoryDeleted;
import io.berth.registry.RegistryEvent.TagMoved;
import io.berth.registry.Repositories;
import io.berth.registry.RepositorySettings;
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
    void pushesTagMovesPullsAndDeletesAreDeliveredAfterCommit() throws InterruptedException {
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
        List<RegistryEvent> events = recorder.awaitForRepository("000000000000/" + name, e ->
                e instanceof ImageDeleted);
        recorder.awaitForRepository("000000000000/" + name, e -> e instanceof ImagePulled);
        events = recorder.forRepository("000000000000/" + name);
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
        assertEquals(RegistryEvent.Cause.USER, deleted.cause(), "a user's delete");
        assertEquals(null, deleted.rulePriority());
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
                + "\"action\":{\"type\":\"expire\"}}]}", "000000000000/admin");

        LifecycleRuns.Applied applied = lifecycle.apply(qualified);
        assertEquals(1, applied.expired());
        ImageDeleted expired = recorder.awaitForRepository(qualified, ImageDeleted.class::isInstance).stream()
                .filter(ImageDeleted.class::isInstance).map(ImageDeleted.class::cast).findFirst().orElseThrow();
        assertEquals(sha256(bytes(old)), expired.digest());
        assertEquals(List.of("build-1"), expired.tags());
        assertEquals(RegistryEvent.Cause.LIFECYCLE, expired.cause());
        assertEquals(7, expired.rulePriority());
        assertEquals(LifecycleRuns.ACTOR, expired.actor());
        assertEquals(200, registry.get("/v2/" + name + "/manifests/build-2").statusCode());
        assertEquals(0, lifecycle.apply(qualified).expired(), "a second run finds nothing more to expire");
    }

    @Test
    void aPushRefusedByAnImmutableTagAnnouncesNothing() throws InterruptedException {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/immutable-" + System.nanoTime();
        String qualified = "000000000000/" + name;
        String first = registry.imageManifest(name, OCI_MANIFEST, "first");
        assertEquals(201, registry.putManifest(name, "v1", OCI_MANIFEST, first).statusCode());
        repositories.updateSettings(qualified, current -> new RepositorySettings("IMMUTABLE", List.of(), false,
                "AES256", null), "000000000000/admin");

        String refused = registry.imageManifest(name, OCI_MANIFEST, "refused");
        assertEquals(400, registry.putManifest(name, "v1", OCI_MANIFEST, refused).statusCode());
        // A later change, delivered after the refused push would have been: by then it would be there.
        String later = registry.imageManifest(name, OCI_MANIFEST, "later");
        assertEquals(201, registry.putManifest(name, "v2", OCI_MANIFEST, later).statusCode());
        List<RegistryEvent> events = recorder.awaitForRepository(qualified,
                e -> e instanceof TagMoved moved && moved.tag().equals("v2"));

        String refusedDigest = sha256(bytes(refused));
        assertTrue(events.stream().noneMatch(e -> e instanceof ImagePushed pushed
                && pushed.digest().equals(refusedDigest)), events.toString());
        assertTrue(events.stream().noneMatch(e -> e instanceof TagMoved moved
                && refusedDigest.equals(moved.newDigest())), events.toString());
        assertEquals(2, events.stream().filter(ImagePushed.class::isInstance).count(), events.toString());
    }

    @Test
    void downloadsAreEventsWithTheBytesSentAndEachRepositorysEventsComeInCommitOrder()
            throws InterruptedException {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/downloads-" + System.nanoTime();
        String qualified = "000000000000/" + name;
        byte[] content = RegistryHttp.random(300_000, 7);
        String digest = registry.pushBlob(name, content);
        assertEquals(200, registry.getBytes("/v2/" + name + "/blobs/" + digest).statusCode());
        assertEquals(206, registry.getBytes("/v2/" + name + "/blobs/" + digest, "Range", "bytes=100-1099")
                .statusCode());
        assertEquals(200, registry.send("HEAD", "/v2/" + name + "/blobs/" + digest, null).statusCode());

        List<Long> sent = recorder.awaitForRepository(qualified, e -> e instanceof BlobDownloaded d
                        && d.bytes() == 1000).stream()
                .filter(BlobDownloaded.class::isInstance).map(e -> ((BlobDownloaded) e).bytes()).toList();
        assertEquals(List.of(300_000L, 1000L), sent, "a HEAD sends nothing and is no download");

        // Per repository, deliveries come in the order of the outbox's numbers (commit order).
        List<Long> sequences = recorder.deliveries().stream()
                .filter(p -> p.event() instanceof RegistryEvent e && e.repository().equals(qualified))
                .map(Published::sequence).toList();
        assertEquals(sequences.stream().sorted().toList(), sequences);
    }

    @Test
    void deletingARepositoryDeletesEachImageWithThatCause() throws InterruptedException {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/deleted-" + System.nanoTime();
        String qualified = "000000000000/" + name;
        String one = registry.imageManifest(name, OCI_MANIFEST, "one");
        String two = registry.imageManifest(name, OCI_MANIFEST, "two");
        assertEquals(201, registry.putManifest(name, "a", OCI_MANIFEST, one).statusCode());
        assertEquals(201, registry.putManifest(name, "b", OCI_MANIFEST, two).statusCode());
        repositories.delete(qualified, true, "000000000000/admin");

        List<RegistryEvent> events = recorder.awaitForRepository(qualified, RepositoryDeleted.class::isInstance);
        List<ImageDeleted> deleted = events.stream().filter(ImageDeleted.class::isInstance)
                .map(ImageDeleted.class::cast).toList();
        assertEquals(2, deleted.size(), events.toString());
        assertTrue(deleted.stream().allMatch(d -> d.cause() == RegistryEvent.Cause.REPOSITORY_DELETED));
        assertEquals(List.of(List.of("a"), List.of("b")), deleted.stream().map(ImageDeleted::tags).toList());
        assertTrue(events.get(events.size() - 1) instanceof RepositoryDeleted, "the repository goes last");
    }
}
