package io.berth.lifecycle;

import io.berth.registry.ImageListing;
import io.berth.registry.ImageListing.ImageSummary;
import io.berth.registry.Manifests;
import io.berth.registry.RegistryException;
import io.berth.registry.Repositories;
import io.berth.registry.RepositoryName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies lifecycle policies: works out a repository's {@link ExpiryPlan} and deletes what it names through the
 * registry's own delete, which fires the same events as a user's delete, with the rule recorded.
 */
@ApplicationScoped
public class LifecycleRuns {

    /** Who deletes, in events and logs. */
    public static final String ACTOR = "lifecycle-policy";
    private static final Logger LOG = Logger.getLogger(LifecycleRuns.class.getName());

    @Inject
    Repositories repositories;

    @Inject
    ImageListing listing;

    @Inject
    Manifests manifests;

    /** What the policy text would expire in the repository now. */
    public List<Expiry> plan(RepositoryName repository, String policyText, Instant now) {
        LifecyclePolicy policy = LifecyclePolicy.parse(policyText);
        List<ImageInfo> images = listing.inventory(repository).stream().map(LifecycleRuns::info).toList();
        return ExpiryPlan.of(policy, images, now);
    }

    static ImageInfo info(ImageSummary image) {
        return new ImageInfo(image.digest(), image.tags(), Instant.ofEpochMilli(image.pushedAt()),
                image.lastPulledAt() == null ? null : Instant.ofEpochMilli(image.lastPulledAt()), image.children(),
                image.subject());
    }

    /** The outcome of applying one repository's policy. */
    public record Applied(RepositoryName repository, int planned, int expired, long millis) {
    }

    /**
     * Applies the repository's stored policy. An image that changed since the evaluation (retagged, or newly
     * referenced by an index) is left for the next run.
     */
    public Applied apply(RepositoryName repository) {
        long started = System.currentTimeMillis();
        String policy = repositories.require(repository).lifecyclePolicy();
        if (policy == null) {
            return new Applied(repository, 0, 0, 0);
        }
        List<Expiry> plan = plan(repository, policy, Instant.ofEpochMilli(started));
        int expired = 0;
        // An image an index still references waits for the index, which may come later in the plan: passes until
        // one deletes nothing more.
        for (List<Expiry> pending = plan; !pending.isEmpty(); ) {
            List<Expiry> skipped = new ArrayList<>();
            for (Expiry expiry : pending) {
                if (manifests.expire(repository, expiry.digest(), expiry.tags(), expiry.rulePriority(),
                        ACTOR)) {
                    expired++;
                } else {
                    skipped.add(expiry);
                }
            }
            pending = skipped.size() < pending.size() ? skipped : List.of();
        }
        repositories.lifecycleEvaluated(repository, started);
        Applied applied = new Applied(repository, plan.size(), expired, System.currentTimeMillis() - started);
        if (expired > 0) {
            LOG.info(() -> "lifecycle policy of " + repository + " expired " + applied.expired() + " of "
                    + applied.planned() + " planned images in " + applied.millis() + " ms");
        }
        return applied;
    }

    /** Applies every repository's policy, one after the other, while {@code stillOwner} says so. */
    public void applyAll(BooleanSupplier stillOwner) {
        for (RepositoryName repository : repositories.withLifecyclePolicy()) {
            if (!stillOwner.getAsBoolean()) {
                return;
            }
            try {
                apply(repository);
            } catch (RegistryException gone) {
                // deleted while the run went on
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "lifecycle policy of " + repository + " could not be applied", e);
            }
        }
    }
}
