package io.berth.lifecycle;

import io.berth.platform.TextColumn;
import io.berth.registry.Repositories;
import io.berth.registry.RepositoryName;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lifecycle policy previews: the plan a policy would carry out now ({@link LifecycleRuns#plan}, the very one a run
 * carries out), worked out in the background and kept in the database until the next preview of the repository.
 */
@ApplicationScoped
public class LifecyclePreviews {

    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String COMPLETE = "COMPLETE";
    public static final String FAILED = "FAILED";
    /** A preview of 10,000 images takes half a second; one running for this long has died with its instance. */
    static final long STALE_MILLIS = 10 * 60 * 1000;
    private static final Logger LOG = Logger.getLogger(LifecyclePreviews.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Repositories repositories;

    @Inject
    LifecycleRuns runs;

    @Inject
    LifecyclePreviews self; // for the transactions of the background task

    @Resource
    ManagedExecutorService executor;

    /** A preview: its status, the policy it evaluated, and how many images it expires. */
    public record Preview(String policyText, String status, long expiring) {
    }

    /** An image the preview expires, in the order a run would expire it. */
    public record Result(String digest, List<String> tags, Instant pushedAt, int rulePriority) {
    }

    /** Thrown when the repository has a preview in progress already. */
    public static class InProgress extends RuntimeException {
        InProgress() {
            super("a lifecycle policy preview is already in progress", null, false, false);
        }
    }

    /**
     * Starts a preview of a policy that the caller has validated; IN_PROGRESS until the background evaluation ends.
     */
    public Preview start(RepositoryName name, String policyText) {
        long repository = self.begin(name, policyText);
        // After the commit: the task's rows refer to the preview row.
        executor.submit(() -> evaluate(name, repository, policyText));
        return new Preview(policyText, IN_PROGRESS, 0);
    }

    @Transactional
    public long begin(RepositoryName name, String policyText) {
        long repository = repositories.lock(repositories.require(name)).id();
        long now = System.currentTimeMillis();
        // One still in progress after STALE_MILLIS died with its instance: a new one replaces it.
        long running = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM lifecycle_preview WHERE repository_id = ?"
                        + " AND status = ? AND started_at > ?")
                .setParameter(1, repository).setParameter(2, IN_PROGRESS).setParameter(3, now - STALE_MILLIS)
                .getSingleResult()).longValue();
        if (running > 0) {
            throw new InProgress();
        }
        em.createNativeQuery("DELETE FROM lifecycle_preview WHERE repository_id = ?").setParameter(1, repository)
                .executeUpdate();
        em.createNativeQuery("INSERT INTO lifecycle_preview (repository_id, policy_text, status, started_at)"
                        + " VALUES (?, ?, ?, ?)")
                .setParameter(1, repository).setParameter(2, policyText).setParameter(3, IN_PROGRESS)
                .setParameter(4, now).executeUpdate();
        return repository;
    }

    private void evaluate(RepositoryName name, long repository, String policyText) {
        try {
            List<Expiry> plan = runs.plan(name, policyText, Instant.now());
            self.complete(repository, plan);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "lifecycle policy preview of " + name + " failed", e);
            self.fail(repository);
        }
    }

    @Transactional
    public void complete(long repository, List<Expiry> plan) {
        int position = 0;
        for (Expiry expiry : plan) {
            em.createNativeQuery("INSERT INTO lifecycle_preview_image (repository_id, position, digest, tags,"
                            + " pushed_at, rule_priority) VALUES (?, ?, ?, ?, ?, ?)")
                    .setParameter(1, repository).setParameter(2, position++).setParameter(3, expiry.digest())
                    .setParameter(4, String.join("\n", expiry.tags()))
                    .setParameter(5, expiry.pushedAt().toEpochMilli()).setParameter(6, expiry.rulePriority())
                    .executeUpdate();
        }
        finish(repository, COMPLETE);
    }

    @Transactional
    public void fail(long repository) {
        finish(repository, FAILED);
    }

    private void finish(long repository, String status) {
        em.createNativeQuery("UPDATE lifecycle_preview SET status = ?, finished_at = ? WHERE repository_id = ?")
                .setParameter(1, status).setParameter(2, System.currentTimeMillis()).setParameter(3, repository)
                .executeUpdate();
    }

    /** The repository's latest preview, if it has one. */
    @Transactional
    public Optional<Preview> find(RepositoryName name) {
        long repository = repositories.require(name).id();
        List<?> rows = em.createNativeQuery("SELECT p.policy_text, p.status, (SELECT COUNT(*) FROM"
                        + " lifecycle_preview_image i WHERE i.repository_id = p.repository_id)"
                        + " FROM lifecycle_preview p WHERE p.repository_id = ?")
                .setParameter(1, repository).getResultList();
        return rows.stream().findFirst().map(row -> {
            Object[] c = (Object[]) row;
            return new Preview((String) c[0], (String) c[1], ((Number) c[2]).longValue());
        });
    }

    /** Every image the repository's latest preview expires, in the order a run would expire them. */
    @Transactional
    public List<Result> results(RepositoryName name) {
        long repository = repositories.require(name).id();
        List<Result> results = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT digest, tags, pushed_at, rule_priority FROM"
                        + " lifecycle_preview_image WHERE repository_id = ? ORDER BY position")
                .setParameter(1, repository).getResultList()) {
            Object[] c = (Object[]) row;
            String tags = TextColumn.read(c[1]);
            results.add(new Result((String) c[0], tags.isEmpty() ? List.of() : Arrays.asList(tags.split("\n")),
                    Instant.ofEpochMilli(((Number) c[2]).longValue()), ((Number) c[3]).intValue()));
        }
        return results;
    }
}
