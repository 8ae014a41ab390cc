package io.berth.it;

import static io.berth.it.RegistryHttp.OCI_MANIFEST;
import static io.berth.it.RegistryHttp.bytes;
import static io.berth.it.RegistryHttp.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.berth.events.DomainEvent;
import io.berth.events.Published;
import io.berth.lifecycle.LifecycleRuns;
import io.berth.registry.RegistryEvent.BlobDownloaded;
import io.berth.registry.RegistryEvent.BlobUploaded;
import io.berth.registry.RegistryEvent.ImageDeleted;
import io.berth.registry.RegistryEvent.ImagePulled;
import io.berth.registry.RegistryEvent.ImagePushed;
import io.berth.registry.RegistryEvent.RepositoryCreated;
import io.berth.registry.RegistryEvent.RepositoryDeleted;
import io.berth.registry.RegistryEvent.TagMoved;
import io.berth.registry.RegistryEvent;
import io.berth.registry.Repositories;
import io.berth.registry.RepositoryName;
import io.berth.registry.RepositorySettings;
import io.berth.security.Caller;
import io.berth.security.Identities;
import io.berth.security.IdentityEvent;
import io.berth.security.IdentityException;
import io.berth.security.InlinePolicy;
import io.berth.security.LoginTokens;
import io.berth.security.User;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
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
        repositories.setLifecyclePolicy(RepositoryName.parse(qualified), "{\"rules\":[{\"rulePriority\":7,\"selection\":{\"tagStatus\":"
                + "\"tagged\",\"tagPrefixList\":[\"build-\"],\"countType\":\"imageCountMoreThan\",\"countNumber\":1},"
                + "\"action\":{\"type\":\"expire\"}}]}", "000000000000/admin");

        LifecycleRuns.Applied applied = lifecycle.apply(RepositoryName.parse(qualified));
        assertEquals(1, applied.expired());
        ImageDeleted expired = recorder.awaitForRepository(qualified, ImageDeleted.class::isInstance).stream()
                .filter(ImageDeleted.class::isInstance).map(ImageDeleted.class::cast).findFirst().orElseThrow();
        assertEquals(sha256(bytes(old)), expired.digest());
        assertEquals(List.of("build-1"), expired.tags());
        assertEquals(RegistryEvent.Cause.LIFECYCLE, expired.cause());
        assertEquals(7, expired.rulePriority());
        assertEquals(LifecycleRuns.ACTOR, expired.actor());
        assertEquals(200, registry.get("/v2/" + name + "/manifests/build-2").statusCode());
        assertEquals(0, lifecycle.apply(RepositoryName.parse(qualified)).expired(), "a second run finds nothing more to expire");
    }

    @Test
    void aPushRefusedByAnImmutableTagAnnouncesNothing() throws InterruptedException {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/immutable-" + System.nanoTime();
        String qualified = "000000000000/" + name;
        String first = registry.imageManifest(name, OCI_MANIFEST, "first");
        assertEquals(201, registry.putManifest(name, "v1", OCI_MANIFEST, first).statusCode());
        repositories.updateSettings(RepositoryName.parse(qualified), current -> new RepositorySettings("IMMUTABLE", List.of(), false,
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

        // Downloads close together are added up: one event, or one a download if a flush fell between them.
        List<BlobDownloaded> downloads = awaitDownloads(qualified, 2);
        assertEquals(301_000L, downloads.stream().mapToLong(BlobDownloaded::bytes).sum(),
                "a HEAD sends nothing and is no download; a range sends its part");

        // Per repository, deliveries come in the order of the outbox's numbers (commit order).
        List<Long> sequences = recorder.deliveries().stream()
                .filter(p -> p.event() instanceof RegistryEvent e && e.repository().equals(qualified))
                .map(Published::sequence).toList();
        assertEquals(sequences.stream().sorted().toList(), sequences);
    }

    /** The repository's download events, once they count {@code downloads} downloads. */
    private List<BlobDownloaded> awaitDownloads(String repository, long downloads) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            List<BlobDownloaded> events = recorder.forRepository(repository).stream()
                    .filter(BlobDownloaded.class::isInstance).map(BlobDownloaded.class::cast).toList();
            if (events.stream().mapToLong(BlobDownloaded::downloads).sum() >= downloads) {
                return events;
            }
            assertTrue(System.currentTimeMillis() < deadline, "downloads after 15 s: " + events);
            Thread.sleep(100);
        }
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
        repositories.delete(RepositoryName.parse(qualified), true, "000000000000/admin");

        List<RegistryEvent> events = recorder.awaitForRepository(qualified, RepositoryDeleted.class::isInstance);
        List<ImageDeleted> deleted = events.stream().filter(ImageDeleted.class::isInstance)
                .map(ImageDeleted.class::cast).toList();
        assertEquals(2, deleted.size(), events.toString());
        assertTrue(deleted.stream().allMatch(d -> d.cause() == RegistryEvent.Cause.REPOSITORY_DELETED));
        assertEquals(List.of(List.of("a"), List.of("b")), deleted.stream().map(ImageDeleted::tags).toList());
        assertTrue(events.get(events.size() - 1) instanceof RepositoryDeleted, "the repository goes last");
    }

    private static final Jsonb JSONB = JsonbBuilder.create();

    @Inject
    Identities identities;

    @Inject
    LoginTokens tokens;

    @Test
    void identityChangesAreEventsWithWhoDidThemAndNoSecret() throws Exception {
        String account = "000000000000";
        String admin = account + "/admin";
        String user = "events-" + System.nanoTime();
        String password = "events-password-" + System.nanoTime();
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"ecr:BatchGetImage\",\"Resource\":\"*\"}]}";
        identities.createUser(account, user, true, admin); // an administrator: it may make its own key
        identities.setPassword(identities.requireUser(account, user), password, true, admin);
        // The user makes its first access key itself, with its password, as over the IAM API.
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:5055/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", RegistryHttp.basic(user, password))
                .POST(HttpRequest.BodyPublishers.ofString("Action=CreateAccessKey&Version=2010-05-08")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        String keyId = element(created.body(), "AccessKeyId");
        String secret = element(created.body(), "SecretAccessKey");
        identities.createGroup(account, user + "-group", admin);
        identities.setMembership(account, user + "-group", user, true, admin);
        identities.putPolicy(InlinePolicy.OwnerKind.USER, account, user, "pull", policy, admin);
        assertThrows(IdentityException.class, () -> identities.putPolicy(InlinePolicy.OwnerKind.USER, account, user,
                "broken", "{not a policy", admin), "a refused change");
        User found = identities.requireUser(account, user);
        String token = tokens.issue(new Caller(account, found.id(), user, true, List.of(), keyId))
                .authorizationToken();
        identities.setAccessKeyActive(account, user, keyId, false, admin);
        identities.deleteAccessKey(account, user, keyId, admin);
        identities.deletePolicy(InlinePolicy.OwnerKind.USER, account, user, "pull", admin);
        identities.setMembership(account, user + "-group", user, false, admin);
        identities.deletePassword(account, user, admin);
        identities.deleteUser(account, user, admin);

        List<DomainEvent> events = recorder.await(e -> e instanceof IdentityEvent
                && JSONB.toJson(e).contains(user), 13);
        assertEquals(List.of("UserCreated", "PasswordSet", "AccessKeyCreated", "GroupCreated",
                "GroupMembershipChanged", "PolicyPut", "LoginTokenIssued", "AccessKeyStatusChanged",
                "AccessKeyDeleted", "PolicyDeleted", "GroupMembershipChanged", "PasswordDeleted", "UserDeleted"),
                events.stream().map(e -> e.getClass().getSimpleName()).toList(), "the refused change is not there");
        for (DomainEvent event : events) {
            assertEquals(account, event.accountId());
            String json = JSONB.toJson(event);
            assertFalse(json.contains(password) || json.contains(secret) || json.contains(token), json);
        }
        assertEquals(account + "/" + user, events.get(2).actor(), "the user made its own key");
        assertEquals(admin, events.get(3).actor());
        assertEquals(keyId, ((IdentityEvent.LoginTokenIssued) events.get(6)).accessKeyId());
        assertEquals(policy, ((IdentityEvent.PolicyPut) events.get(5)).document());
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        assertTrue(m.find(), xml);
        return m.group(1);
    }

    @Resource(lookup = "java:app/jdbc/berth")
    DataSource dataSource;

    @Test
    void aRecordChangedOrRemovedInTheDatabaseIsNamedByTheVerification() throws Exception {
        RegistryHttp registry = new RegistryHttp("http://127.0.0.1:5055");
        String name = "events/audited-" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            String manifest = registry.imageManifest(name, OCI_MANIFEST, "audited " + i);
            assertEquals(201, registry.putManifest(name, "v" + i, OCI_MANIFEST, manifest).statusCode());
        }
        long deadline = System.currentTimeMillis() + 10_000;
        List<String[]> records = lastRecords(3);
        while (!records.stream().allMatch(r -> r[2].contains(name)) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            records = lastRecords(3);
        }
        assertTrue(records.stream().allMatch(r -> r[2].contains(name)), "the pushes are the newest records");
        assertTrue(RegistryHttp.json(registry.get("/berth/audit/verify").body()).getBoolean("valid"));
        long page = Long.parseLong(records.get(1)[0]);
        String eventId = records.get(1)[1];
        String line = records.get(1)[2];
        String original = pageText(page);

        setPage(page, original.replace(line, line.replace("\"eventVersion\":\"1.08\"", "\"eventVersion\":\"1.09\"")));
        try {
            JsonObject changed = RegistryHttp.json(registry.get("/berth/audit/verify").body());
            assertEquals(false, changed.getBoolean("valid"), changed.toString());
            assertEquals(eventId, changed.getString("firstMismatch"));
            assertEquals("it does not match its hash (its content or the record before it changed)",
                    changed.getString("reason"));
        } finally {
            setPage(page, original);
        }
        assertTrue(RegistryHttp.json(registry.get("/berth/audit/verify").body()).getBoolean("valid"));

        // A record taken out: the one after it no longer follows anything.
        setPage(page, original.replace(line + "\n", ""));
        try {
            JsonObject removed = RegistryHttp.json(registry.get("/berth/audit/verify").body());
            assertEquals(false, removed.getBoolean("valid"), removed.toString());
            assertEquals(records.get(0)[1], removed.getString("firstMismatch"), removed.toString());
        } finally {
            setPage(page, original);
        }
        assertTrue(RegistryHttp.json(registry.get("/berth/audit/verify").body()).getBoolean("valid"));
    }

    private String pageText(long id) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT records FROM audit_page WHERE id = ?")) {
            query.setLong(1, id);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return new String(result.getBytes(1), StandardCharsets.UTF_8);
            }
        }
    }

    private void setPage(long id, String text) throws Exception {
        update("UPDATE audit_page SET records = ? WHERE id = ?", text.getBytes(StandardCharsets.UTF_8), id);
    }

    /** The newest audit records (their page, event id and line), newest first. */
    private List<String[]> lastRecords(int count) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT id, records FROM audit_page ORDER BY id DESC")) {
            List<String[]> records = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (records.size() < count && result.next()) {
                    String[] lines = new String(result.getBytes(2), StandardCharsets.UTF_8).split("\n");
                    for (int i = lines.length - 1; i >= 0 && records.size() < count; i--) {
                        Matcher id = Pattern.compile("\"eventID\":\"([^\"]+)\"").matcher(lines[i]);
                        assertTrue(id.find(), lines[i]);
                        records.add(new String[] {result.getString(1), id.group(1), lines[i]});
                    }
                }
            }
            return records;
        }
    }

    private void update(String sql, Object... parameters) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            assertEquals(1, update.executeUpdate());
        }
    }
}
