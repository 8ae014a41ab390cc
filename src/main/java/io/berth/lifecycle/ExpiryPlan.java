package io.berth.lifecycle;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a lifecycle policy expires in a repository, images of indexes and referrers included. ECR evaluates every
 * manifest on its own, so an untagged rule expires the platform images of a tagged multi-architecture index and
 * breaks it; Berth ties them together instead:
 *
 * <ul>
 * <li>An untagged image that an index of the repository references, or whose subject is in the repository, is a
 *     <em>dependent</em>: rules neither select nor count it; it lives and dies with what it depends on.</li>
 * <li>An image referenced by an index that is kept is never expired, even when a rule selected it.</li>
 * <li>A dependent goes when everything it depends on goes (a child with all its indexes, a referrer with its
 *     subject), under the rule that expired those.</li>
 * </ul>
 *
 * Preview and execution both call {@link #of}, so what a preview shows is what a run deletes, given the same images.
 */
public final class ExpiryPlan {

    private ExpiryPlan() {
    }

    /** The images to expire: those the rules select, in rule order, then the dependents that go with them. */
    public static List<Expiry> of(LifecyclePolicy policy, List<ImageInfo> images, Instant now) {
        Map<String, ImageInfo> byDigest = new LinkedHashMap<>();
        images.forEach(image -> byDigest.put(image.digest(), image));
        // Who keeps whom alive: an index its children, a subject its referrers.
        Map<String, List<String>> keepsAlive = new HashMap<>();
        for (ImageInfo image : images) {
            for (String child : image.children()) {
                if (byDigest.containsKey(child)) {
                    keepsAlive.computeIfAbsent(image.digest(), k -> new ArrayList<>()).add(child);
                }
            }
            if (image.subject() != null && byDigest.containsKey(image.subject())) {
                keepsAlive.computeIfAbsent(image.subject(), k -> new ArrayList<>()).add(image.digest());
            }
        }
        Set<String> dependents = new HashSet<>();
        keepsAlive.values().forEach(list -> list.forEach(digest -> {
            if (byDigest.get(digest).tags().isEmpty()) {
                dependents.add(digest);
            }
        }));

        List<ImageInfo> candidates = images.stream().filter(i -> !dependents.contains(i.digest())).toList();
        Map<String, Expiry> selected = new LinkedHashMap<>();
        for (Expiry expiry : LifecycleEvaluation.evaluate(policy, candidates, now)) {
            selected.put(expiry.digest(), expiry);
        }

        // Kept: every candidate no rule selected, and whatever a kept image keeps alive (an index's children even
        // when a rule selected them; a subject's referrers).
        Set<String> kept = new HashSet<>();
        Deque<String> toVisit = new ArrayDeque<>();
        for (ImageInfo candidate : candidates) {
            if (!selected.containsKey(candidate.digest())) {
                toVisit.add(candidate.digest());
            }
        }
        while (!toVisit.isEmpty()) {
            String digest = toVisit.poll();
            if (kept.add(digest)) {
                for (String dependent : keepsAlive.getOrDefault(digest, List.of())) {
                    boolean isChild = byDigest.get(digest).children().contains(dependent);
                    // A tagged referrer that a rule selected goes; only an index protects what it references.
                    if (isChild || dependents.contains(dependent)) {
                        toVisit.add(dependent);
                    }
                }
            }
        }

        List<Expiry> plan = new ArrayList<>();
        for (Expiry expiry : selected.values()) {
            if (!kept.contains(expiry.digest())) {
                plan.add(expiry);
            }
        }
        // The dependents left unkept go with the first expired image that kept them alive, in plan order.
        Set<String> planned = new HashSet<>();
        for (int i = 0; i < plan.size(); i++) {
            Expiry parent = plan.get(i);
            planned.add(parent.digest());
            for (String dependent : keepsAlive.getOrDefault(parent.digest(), List.of())) {
                if (!kept.contains(dependent) && !planned.contains(dependent) && !selected.containsKey(dependent)) {
                    ImageInfo image = byDigest.get(dependent);
                    planned.add(dependent);
                    plan.add(new Expiry(dependent, image.tags(), image.pushedAt(), parent.rulePriority(),
                            parent.digest()));
                }
            }
        }
        return plan;
    }
}
