package io.berth.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Works out which images a lifecycle policy expires, following ECR's evaluation rules: rules apply in priority
 * order (lowest number first); each image is expired by at most one rule; and an image that meets the tagging
 * requirements of a rule cannot be expired by any later rule, although later rules still count it.
 */
public final class LifecycleEvaluation {

    /** Oldest first; equal push times fall back to the digest so that the outcome never depends on input order. */
    static final Comparator<ImageInfo> OLDEST_FIRST =
            Comparator.comparing(ImageInfo::pushedAt).thenComparing(ImageInfo::digest);

    private LifecycleEvaluation() {
    }

    /**
     * The images the policy expires at {@code now}, grouped by rule in priority order and oldest first within
     * each rule.
     */
    public static List<Expiry> evaluate(LifecyclePolicy policy, List<ImageInfo> images, Instant now) {
        List<ImageInfo> oldestFirst = new ArrayList<>(images);
        oldestFirst.sort(OLDEST_FIRST);
        // claimed[i]: an earlier rule's tagging requirements matched image i, so no later rule may expire it.
        boolean[] claimed = new boolean[oldestFirst.size()];
        List<Expiry> expiries = new ArrayList<>();
        for (Rule rule : policy.rules()) {
            List<Integer> selected = new ArrayList<>();
            for (int i = 0; i < oldestFirst.size(); i++) {
                if (rule.selects(oldestFirst.get(i).tags())) {
                    selected.add(i);
                }
            }
            for (int i : marked(rule, selected, oldestFirst, now)) {
                if (!claimed[i]) {
                    ImageInfo image = oldestFirst.get(i);
                    expiries.add(new Expiry(image.digest(), image.tags(), image.pushedAt(), rule.rulePriority()));
                }
            }
            // Only after marking: a rule does not protect images from itself.
            selected.forEach(i -> claimed[i] = true);
        }
        return expiries;
    }

    /** The selected images (indexes, oldest first) that the rule's count marks, before earlier rules are heeded. */
    private static List<Integer> marked(Rule rule, List<Integer> selected, List<ImageInfo> images, Instant now) {
        if (rule.countType() == CountType.IMAGE_COUNT_MORE_THAN) {
            // Keep the newest countNumber images; the rest, oldest first, are marked.
            int excess = Math.max(0, selected.size() - rule.countNumber());
            return selected.subList(0, excess);
        }
        Instant cutoff = now.minus(Duration.ofDays(rule.countNumber()));
        List<Integer> marked = new ArrayList<>();
        for (int i : selected) {
            ImageInfo image = images.get(i);
            Instant since = image.pushedAt();
            if (rule.countType() == CountType.SINCE_IMAGE_PULLED && image.lastPulledAt() != null) {
                since = image.lastPulledAt();
            }
            // "More than N days": an image exactly N days old stays (ECR's example keeps the image pushed 1 day ago).
            if (since.isBefore(cutoff)) {
                marked.add(i);
            }
        }
        return marked;
    }
}
