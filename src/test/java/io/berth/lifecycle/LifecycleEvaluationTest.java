package io.berth.lifecycle;

import io.berth.registry.TagPatterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example of ECR's "Examples of lifecycle policies" page, with the outcome the page states, then edge cases.
 * Where the page has a tagPrefixList and a tagPatternList edition of an example, both are run.
 */
class LifecycleEvaluationTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    // ---- Filtering on image age

    @Test
    void untaggedImagesOlderThan14DaysExpire() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14"""));
        List<ImageInfo> images = List.of(
                image("a", daysAgo(15)),
                image("b", daysAgo(14)),          // exactly 14 days: not older than 14 days
                image("c", daysAgo(3)),
                image("d", daysAgo(30), "v1"));   // tagged: not selected
        assertEquals(List.of("a"), digests(evaluate(policy, images)));
    }

    @Test
    void prodImagesOlderThan14DaysExpire() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed",
                "countUnit": "days", "countNumber": 14"""));
        List<ImageInfo> images = List.of(
                image("a", daysAgo(20), "prod-1"),
                image("b", daysAgo(10), "prod-2"),
                image("c", daysAgo(30), "dev-1"),
                image("d", daysAgo(30)));
        assertEquals(List.of("a"), digests(evaluate(policy, images)));
    }

    // ---- Filtering on image count

    @Test
    void keepsOnlyOneUntaggedImage() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1"""));
        List<ImageInfo> images = List.of(
                image("a", daysAgo(3)),
                image("b", daysAgo(2)),
                image("c", daysAgo(1)),
                image("d", daysAgo(9), "v1"));
        assertEquals(List.of("a", "b"), digests(evaluate(policy, images)));
    }

    // ---- Filtering on multiple rules (same repository for A and B)

    private static List<ImageInfo> multipleRulesRepository() {
        return List.of(
                image("A", daysAgo(10), "beta-1", "prod-1"),
                image("B", daysAgo(9), "beta-2", "prod-2"),
                image("C", daysAgo(8), "beta-3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tagPrefixList:", "tagPatternList:*"})
    void multipleRulesExampleA(String edition) {
        LifecyclePolicy policy = policy(
                rule(1, tagged(edition, "prod") + ", \"countType\": \"imageCountMoreThan\", \"countNumber\": 1"),
                rule(2, tagged(edition, "beta") + ", \"countType\": \"imageCountMoreThan\", \"countNumber\": 1"));
        List<Expiry> expiries = evaluate(policy, multipleRulesRepository());
        // Rule 2 would mark A and B, but both met rule 1's tagging requirements.
        assertEquals(List.of("A"), digests(expiries));
        assertEquals(1, expiries.get(0).rulePriority());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tagPrefixList:", "tagPatternList:*"})
    void multipleRulesExampleB(String edition) {
        LifecyclePolicy policy = policy(
                rule(1, tagged(edition, "beta") + ", \"countType\": \"imageCountMoreThan\", \"countNumber\": 1"),
                rule(2, tagged(edition, "prod") + ", \"countType\": \"imageCountMoreThan\", \"countNumber\": 1"));
        List<Expiry> expiries = evaluate(policy, multipleRulesRepository());
        assertEquals(List.of("A", "B"), digests(expiries));
        assertEquals(List.of(1, 1), expiries.stream().map(Expiry::rulePriority).toList());
    }

    // ---- Filtering on multiple tags in a single rule

    @ParameterizedTest
    @ValueSource(strings = {"tagPrefixList:", "tagPatternList:*"})
    void multipleTagsExampleA(String edition) {
        LifecyclePolicy policy = policy(rule(1, tagged(edition, "alpha", "beta")
                + ", \"countType\": \"sinceImagePushed\", \"countNumber\": 5, \"countUnit\": \"days\""));
        List<ImageInfo> images = List.of(
                image("A", daysAgo(12), "alpha-1"),
                image("B", daysAgo(11), "beta-1"),
                image("C", daysAgo(10), "alpha-2", "beta-2"),
                image("D", daysAgo(4), "alpha-3"),
                image("E", daysAgo(3), "beta-3"),
                image("F", daysAgo(2), "alpha-4", "beta-4"));
        assertEquals(List.of("C"), digests(evaluate(policy, images)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tagPrefixList:", "tagPatternList:*"})
    void multipleTagsExampleB(String edition) {
        LifecyclePolicy policy = policy(rule(1, tagged(edition, "alpha", "beta")
                + ", \"countType\": \"imageCountMoreThan\", \"countNumber\": 1"));
        List<ImageInfo> images = List.of(
                image("A", daysAgo(10), "alpha-1", "beta-1", "gamma-1"),
                image("B", daysAgo(9), "alpha-2", "beta-2"),
                image("C", daysAgo(8), "alpha-3", "beta-3", "gamma-2"));
        assertEquals(List.of("A", "B"), digests(evaluate(policy, images)));
    }

    // ---- Filtering on all images

    @Test
    void allImagesExampleA() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1"""));
        List<ImageInfo> images = List.of(
                image("A", daysAgo(4), "alpha-1"),
                image("B", daysAgo(3), "beta-1"),
                image("C", daysAgo(2)),
                image("D", daysAgo(1), "alpha-2"));
        assertEquals(List.of("A", "B", "C"), digests(evaluate(policy, images)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tagPrefixList:", "tagPatternList:*"})
    void allImagesExampleB(String edition) {
        LifecyclePolicy policy = policy(
                rule(1, tagged(edition, "alpha") + ", \"countType\": \"imageCountMoreThan\", \"countNumber\": 1"),
                rule(2, """
                        "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                        "countNumber": 1"""),
                rule(3, """
                        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1"""));
        // D and E were both pushed "1 day ago"; the page keeps E, which the digest tie-break does too (D < E).
        List<ImageInfo> images = List.of(
                image("A", daysAgo(4), "alpha-1", "beta-1"),
                image("B", daysAgo(3)),
                image("C", daysAgo(2), "alpha-2"),
                image("D", daysAgo(1), "git hash"),
                image("E", daysAgo(1)));
        List<Expiry> expiries = evaluate(policy, images);
        assertEquals(List.of("A", "B", "D"), digests(expiries));
        assertEquals(List.of(1, 2, 3), expiries.stream().map(Expiry::rulePriority).toList());
    }

    // ---- Edge cases

    @Test
    void equalPushTimesAreBrokenByDigestWhateverTheInputOrder() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2"""));
        Instant same = daysAgo(5);
        List<ImageInfo> images = new ArrayList<>(List.of(
                image("sha256:c", same), image("sha256:a", same), image("sha256:d", same), image("sha256:b", same)));
        for (long seed = 0; seed < 5; seed++) {
            Collections.shuffle(images, new Random(seed));
            assertEquals(List.of("sha256:a", "sha256:b"), digests(evaluate(policy, images)));
        }
    }

    @Test
    void imageMatchingAnEarlierRuleIsProtectedButStillCounted() {
        LifecyclePolicy policy = policy(
                rule(1, """
                        "tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed",
                        "countUnit": "days", "countNumber": 30"""),
                rule(2, """
                        "tagStatus": "tagged", "tagPatternList": ["beta*"], "countType": "imageCountMoreThan",
                        "countNumber": 1"""));
        List<ImageInfo> images = List.of(
                image("X", daysAgo(1), "prod-1", "beta-1"),  // newest beta: kept by rule 2's count
                image("Y", daysAgo(5), "beta-2"),
                image("Z", daysAgo(10), "beta-3"),
                image("P", daysAgo(20), "beta-0", "prod-0")); // too young for rule 1; rule 2 marks it, may not expire it
        // Were X left out of rule 2's count, Y would be kept; were P not protected, it would be expired.
        List<Expiry> expiries = evaluate(policy, images);
        assertEquals(List.of("Z", "Y"), digests(expiries));
        assertEquals(List.of(2, 2), expiries.stream().map(Expiry::rulePriority).toList());
    }

    @Test
    void anImageIsExpiredByOneRuleOnly() {
        LifecyclePolicy policy = policy(
                rule(1, """
                        "tagStatus": "tagged", "tagPrefixList": ["v"], "countType": "imageCountMoreThan",
                        "countNumber": 1"""),
                rule(2, """
                        "tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days",
                        "countNumber": 1"""));
        List<ImageInfo> images = List.of(image("old", daysAgo(9), "v1"), image("new", daysAgo(8), "v2"));
        List<Expiry> expiries = evaluate(policy, images);
        assertEquals(List.of(new Expiry("old", List.of("v1"), daysAgo(9), 1)), expiries);
    }

    @Test
    void sinceImagePulledFallsBackToPushTime() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 30"""));
        List<ImageInfo> images = List.of(
                new ImageInfo("pulled-lately", List.of(), daysAgo(100), daysAgo(2)),
                new ImageInfo("pulled-long-ago", List.of(), daysAgo(100), daysAgo(40)),
                new ImageInfo("never-pulled-old", List.of("x"), daysAgo(60), null),
                new ImageInfo("never-pulled-new", List.of("y"), daysAgo(10), null));
        assertEquals(List.of("pulled-long-ago", "never-pulled-old"), digests(evaluate(policy, images)));
    }

    @Test
    void emptyRepositoryExpiresNothing() {
        LifecyclePolicy policy = policy(rule(1, """
                "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1"""));
        assertTrue(evaluate(policy, List.of()).isEmpty());
    }

    @Test
    void tenThousandImages() {
        LifecyclePolicy policy = policy(
                rule(1, """
                        "tagStatus": "tagged", "tagPatternList": ["release-*"], "countType": "imageCountMoreThan",
                        "countNumber": 10"""),
                rule(2, """
                        "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 100"""));
        List<ImageInfo> images = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            // Every 10th image is a release; image i is i minutes old, so a lower i is newer.
            String digest = String.format("sha256:%05d", i);
            Instant pushed = NOW.minus(Duration.ofMinutes(i));
            images.add(i % 10 == 0 ? image(digest, pushed, "release-" + i) : image(digest, pushed, "build-" + i));
        }
        Collections.shuffle(images, new Random(42));
        List<Expiry> expiries = evaluate(policy, images);

        // Rule 1: 1,000 releases, the newest 10 (i = 0..90) kept. Rule 2: the newest 100 images (i < 100) kept,
        // and releases are never its to expire. So expired: releases i >= 100, and builds i >= 100.
        List<String> expected = new ArrayList<>();
        for (int i = 9_990; i >= 100; i -= 10) {
            expected.add(String.format("sha256:%05d", i));
        }
        for (int i = 9_999; i >= 100; i--) {
            if (i % 10 != 0) {
                expected.add(String.format("sha256:%05d", i));
            }
        }
        assertEquals(expected, digests(expiries));
        assertEquals(990, expiries.stream().filter(e -> e.rulePriority() == 1).count());
    }

    @Test
    void untaggedImagesNeverMatchTaggedRules() {
        Rule rule = LifecyclePolicy.parse("{\"rules\":[" + rule(1, """
                "tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan",
                "countNumber": 1""") + "]}").rules().get(0);
        assertTrue(rule.selects(List.of("anything")));
        assertFalse(rule.selects(List.of()));
    }

    @Test
    void globMatchesWholeTags() {
        assertTrue(TagPatterns.matches("prod*", "prod"));
        assertTrue(TagPatterns.matches("prod*", "prod-12"));
        assertFalse(TagPatterns.matches("prod*", "preprod"));
        assertTrue(TagPatterns.matches("prod", "prod"));
        assertFalse(TagPatterns.matches("prod", "prod1"));
        assertTrue(TagPatterns.matches("*test*1*2*3", "my-test-1-2-3"));
        assertFalse(TagPatterns.matches("*test*1*2*3", "my-test-1-2-3-4"));
        assertTrue(TagPatterns.matches("a*b*a", "abxaba"));
        assertFalse(TagPatterns.matches("a*b", "a"));
        assertTrue(TagPatterns.matches("v.1", "v.1"));
        assertFalse(TagPatterns.matches("v.1", "vx1"));
    }

    // ---- helpers

    private static List<Expiry> evaluate(LifecyclePolicy policy, List<ImageInfo> images) {
        return LifecycleEvaluation.evaluate(policy, images, NOW);
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    private static ImageInfo image(String digest, Instant pushedAt, String... tags) {
        return new ImageInfo(digest, List.of(tags), pushedAt, null);
    }

    private static List<String> digests(List<Expiry> expiries) {
        return expiries.stream().map(Expiry::digest).toList();
    }

    /** {@code "tagStatus": "tagged", "<list>": [...]}, an edition being "tagPrefixList:" or "tagPatternList:*". */
    private static String tagged(String edition, String... tags) {
        String list = edition.substring(0, edition.indexOf(':'));
        String suffix = edition.substring(edition.indexOf(':') + 1);
        String items = java.util.Arrays.stream(tags).map(t -> "\"" + t + suffix + "\"")
                .collect(Collectors.joining(", "));
        return "\"tagStatus\": \"tagged\", \"" + list + "\": [" + items + "]";
    }

    static String rule(int priority, String selection) {
        return "{\"rulePriority\": " + priority + ", \"description\": \"Rule " + priority + "\", \"selection\": {"
                + selection + "}, \"action\": {\"type\": \"expire\"}}";
    }

    static LifecyclePolicy policy(String... rules) {
        return LifecyclePolicy.parse("{\"rules\": [" + String.join(", ", rules) + "]}");
    }
}
