package io.berth.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Where ECR is silent, Berth keeps images whole: the platform images of a multi-architecture index live and die
 * with the index, and referrers (signatures, SBOMs) go with their subject.
 */
class ExpiryPlanTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final String KEEP_ONE_UNTAGGED = """
            {"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan",
            "countNumber":1},"action":{"type":"expire"}}]}""";
    private static final String EXPIRE_OLD_RELEASES = """
            {"rules":[{"rulePriority":3,"selection":{"tagStatus":"tagged","tagPrefixList":["release"],
            "countType":"sinceImagePushed","countUnit":"days","countNumber":10},"action":{"type":"expire"}}]}""";

    @Test
    void theUntaggedPlatformImagesOfAKeptIndexAreNeitherExpiredNorCounted() {
        List<ImageInfo> images = List.of(
                index("index", daysAgo(30), List.of("amd64", "arm64"), "latest"),
                image("amd64", daysAgo(30)),
                image("arm64", daysAgo(30)),
                image("old-untagged", daysAgo(20)),
                image("new-untagged", daysAgo(1)));
        // ECR would count the two children as untagged images and expire them with old-untagged.
        assertEquals(List.of("old-untagged"), digests(plan(KEEP_ONE_UNTAGGED, images)));
    }

    @Test
    void anExpiredIndexTakesItsPlatformImagesWithItUnderItsRule() {
        List<ImageInfo> images = List.of(
                index("old-index", daysAgo(30), List.of("amd64", "arm64"), "release-1"),
                image("amd64", daysAgo(30)),
                image("arm64", daysAgo(30)),
                index("new-index", daysAgo(2), List.of("amd64-2"), "release-2"),
                image("amd64-2", daysAgo(2)));
        List<Expiry> plan = plan(EXPIRE_OLD_RELEASES, images);
        assertEquals(List.of("old-index", "amd64", "arm64"), digests(plan));
        assertNull(plan.get(0).expiresWith());
        assertEquals("old-index", plan.get(1).expiresWith());
        assertTrue(plan.stream().allMatch(e -> e.rulePriority() == 3));
    }

    @Test
    void aPlatformImageSharedWithAKeptIndexStays() {
        List<ImageInfo> images = List.of(
                index("old-index", daysAgo(30), List.of("shared", "only-old"), "release-1"),
                index("new-index", daysAgo(2), List.of("shared"), "release-2"),
                image("shared", daysAgo(30)),
                image("only-old", daysAgo(30)));
        assertEquals(List.of("old-index", "only-old"), digests(plan(EXPIRE_OLD_RELEASES, images)));
    }

    @Test
    void aTaggedImageThatAKeptIndexReferencesIsNeverExpired() {
        List<ImageInfo> images = List.of(
                image("release-amd64", daysAgo(30), "release-amd64"),
                index("index", daysAgo(30), List.of("release-amd64"), "stable"));
        // The rule selects release-amd64 on its own tags, but the index that needs it stays.
        assertEquals(List.of(), digests(plan(EXPIRE_OLD_RELEASES, images)));
    }

    @Test
    void aTaggedPlatformImageOfAnExpiredIndexIsJudgedByItsOwnTags() {
        List<ImageInfo> images = List.of(
                index("index", daysAgo(30), List.of("amd64"), "release-1"),
                image("amd64", daysAgo(30), "amd64-pinned"));
        assertEquals(List.of("index"), digests(plan(EXPIRE_OLD_RELEASES, images)));
    }

    @Test
    void nestedIndexesGoTogether() {
        List<ImageInfo> images = List.of(
                index("top", daysAgo(30), List.of("middle"), "release-1"),
                index("middle", daysAgo(30), List.of("leaf")),
                image("leaf", daysAgo(30)));
        assertEquals(List.of("top", "middle", "leaf"), digests(plan(EXPIRE_OLD_RELEASES, images)));
    }

    @Test
    void referrersGoWithTheirSubjectAndStayWithAKeptOne() {
        List<ImageInfo> images = List.of(
                image("old-release", daysAgo(30), "release-1"),
                referrer("old-signature", daysAgo(30), "old-release"),
                referrer("old-sbom", daysAgo(29), "old-release"),
                image("new-release", daysAgo(2), "release-2"),
                referrer("new-signature", daysAgo(2), "new-release"));
        List<Expiry> plan = plan(EXPIRE_OLD_RELEASES, images);
        assertEquals(List.of("old-release", "old-signature", "old-sbom"), digests(plan));
        assertEquals("old-release", plan.get(2).expiresWith());

        // An untagged rule does not see referrers of images that are there: new-signature is not "untagged junk".
        List<ImageInfo> withJunk = new ArrayList<>(images);
        withJunk.add(image("junk-1", daysAgo(5)));
        withJunk.add(image("junk-2", daysAgo(4)));
        assertEquals(List.of("junk-1"), digests(plan(KEEP_ONE_UNTAGGED, withJunk)));
    }

    @Test
    void aReferrerWhoseSubjectIsGoneIsAnOrdinaryUntaggedImage() {
        List<ImageInfo> images = List.of(
                referrer("dangling", daysAgo(10), "sha256:not-here"),
                image("untagged", daysAgo(1)));
        assertEquals(List.of("dangling"), digests(plan(KEEP_ONE_UNTAGGED, images)));
    }

    @Test
    void aTaggedReferrerASelectedRuleMatchesGoesThoughItsSubjectStays() {
        List<ImageInfo> images = List.of(
                image("app", daysAgo(30), "stable"),
                new ImageInfo("attestation", List.of("release-att"), daysAgo(30), null, List.of(), "app"));
        assertEquals(List.of("attestation"), digests(plan(EXPIRE_OLD_RELEASES, images)));
    }

    @Test
    void tenThousandImagesInIndexesWithSignatures() {
        // 2,500 indexes of 2 platform images each, every index signed; releases older than 10 days expire.
        List<ImageInfo> images = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            Instant pushed = NOW.minus(Duration.ofHours(i));
            String index = "index-" + i;
            images.add(index(index, pushed, List.of("a-" + i, "b-" + i), "release-" + i));
            images.add(image("a-" + i, pushed));
            images.add(image("b-" + i, pushed));
            images.add(referrer("sig-" + i, pushed, index));
        }
        List<Expiry> plan = plan(EXPIRE_OLD_RELEASES, images);
        // Indexes pushed more than 240 hours ago: i = 241..2499, 2,259 of them, each with three dependents.
        assertEquals(2_259 * 4, plan.size());
        Set<String> expired = plan.stream().map(Expiry::digest).collect(Collectors.toSet());
        for (int i = 0; i < 2_500; i++) {
            boolean gone = i > 240;
            for (String digest : List.of("index-" + i, "a-" + i, "b-" + i, "sig-" + i)) {
                assertEquals(gone, expired.contains(digest), digest);
            }
        }
    }

    // ---- helpers

    private static List<Expiry> plan(String policy, List<ImageInfo> images) {
        return ExpiryPlan.of(LifecyclePolicy.parse(policy), images, NOW);
    }

    private static List<String> digests(List<Expiry> plan) {
        return plan.stream().map(Expiry::digest).toList();
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    private static ImageInfo image(String digest, Instant pushedAt, String... tags) {
        return new ImageInfo(digest, List.of(tags), pushedAt, null);
    }

    private static ImageInfo index(String digest, Instant pushedAt, List<String> children, String... tags) {
        return new ImageInfo(digest, List.of(tags), pushedAt, null, children, null);
    }

    private static ImageInfo referrer(String digest, Instant pushedAt, String subject) {
        return new ImageInfo(digest, List.of(), pushedAt, null, List.of(), subject);
    }
}
