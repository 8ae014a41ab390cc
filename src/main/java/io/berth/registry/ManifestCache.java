package io.berth.registry;

import io.berth.platform.CacheScopes;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manifests by (repository, reference), and each repository's sorted tags, so that pulls and tag listings do not
 * query the database while nothing has changed.
 *
 * <p>Correctness: every change to a repository's manifests or tags bumps the repository's generation both when it
 * happens and again after its transaction completes, dropping the repository's entries each time. A reader records
 * the generation before it reads the database and stores its result only if the generation is still the same, so a
 * read that overlapped a change can never put the old state back. Instances sharing a database learn of each other's
 * changes through {@link CacheScopes}: the change bumps the repository's scope in its transaction, and every
 * instance drops the repository's entries (bumping its generation) within a poll of the commit.
 */
@ApplicationScoped
public class ManifestCache {

    /** Bounds the heap the cache may take; past it, the cache starts over. */
    private static final long MAX_BYTES = 32L * 1024 * 1024;

    public record Entry(Long imageId, StoredManifest manifest, AtomicLong pullRecordedAt) {
    }

    /** Repositories with more tags than this are listed page by page from the database instead. */
    static final int MAX_CACHED_TAGS = 100_000;

    private final Map<RepositoryName, Map<String, Entry>> byRepository = new ConcurrentHashMap<>();
    /** Each repository's tags in lexical order, so that tags/list pages are a binary search. */
    private final Map<RepositoryName, List<String>> tagLists = new ConcurrentHashMap<>();
    private final Map<RepositoryName, AtomicLong> generations = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    CacheScopes scopes;

    Entry get(RepositoryName repository, String reference) {
        Map<String, Entry> entries = byRepository.get(repository);
        return entries == null ? null : entries.get(reference);
    }

    long generation(RepositoryName repository) {
        return generations.computeIfAbsent(repository, r -> new AtomicLong()).get();
    }

    void put(RepositoryName repository, String reference, Entry entry, long generationRead) {
        if (bytes.addAndGet(entry.manifest().content().length) > MAX_BYTES) {
            byRepository.clear();
            bytes.set(0);
        }
        byRepository.compute(repository, (r, entries) -> {
            if (generation(r) != generationRead) {
                return entries; // a change overlapped this read: its result may be stale
            }
            Map<String, Entry> map = entries != null ? entries : new ConcurrentHashMap<>();
            map.put(reference, entry);
            return map;
        });
    }

    List<String> tags(RepositoryName repository) {
        return tagLists.get(repository);
    }

    void putTags(RepositoryName repository, List<String> sortedTags, long generationRead) {
        if (tagLists.size() > 1000) {
            tagLists.clear();
        }
        byRepository.compute(repository, (r, entries) -> {
            // under the same lock as bump(): the generation cannot change between the check and the put
            if (generation(r) == generationRead) {
                tagLists.put(r, List.copyOf(sortedTags));
            }
            return entries;
        });
    }

    /** Called inside the transaction that changes the repository's manifests or tags. */
    void invalidate(RepositoryName repository) {
        scopes.changed(CacheScopes.repository(repository.toString()));
        bump(repository);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED || status == Status.STATUS_ROLLEDBACK) {
                    bump(repository);
                }
            }
        });
    }

    /** Another instance (or this one, once more) changed a repository. */
    void changedElsewhere(@Observes CacheScopes.Changed change) {
        if (change.scope().startsWith(CacheScopes.repository(""))) {
            bump(RepositoryName.parse(change.scope().substring(CacheScopes.repository("").length())));
        }
    }

    private void bump(RepositoryName repository) {
        byRepository.compute(repository, (r, entries) -> {
            generations.computeIfAbsent(r, x -> new AtomicLong()).incrementAndGet();
            tagLists.remove(r);
            return null;
        });
    }
}
