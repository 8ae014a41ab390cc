package io.berth.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.berth.platform.CacheScopes;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manifests by (repository, reference), and each repository's sorted tags, so that pulls and tag listings do not
 * query the database while nothing has changed. Bounded caches (Caffeine), the least recently used out first.
 *
 * <p>Correctness: every entry is stored under its repository's generation, a number never used twice. Every change
 * to a repository's manifests or tags gives the repository a new generation both when it happens and again after its
 * transaction completes, so that entries stored before are never found again. A reader takes the generation before
 * it reads the database and stores its result under that generation, so a read that overlapped a change lands where
 * nobody looks. Instances sharing a database learn of each other's changes through {@link CacheScopes}: the change
 * bumps the repository's scope in its transaction, and every instance gives the repository a new generation within a
 * poll of the commit.
 */
@ApplicationScoped
public class ManifestCache {

    /** Bounds the heap the manifests may take. */
    private static final long MAX_BYTES = 32L * 1024 * 1024;
    /** Roughly what an entry costs beyond its manifest's bytes. */
    private static final int ENTRY_OVERHEAD = 200;

    public record Entry(Long imageId, StoredManifest manifest, AtomicLong pullRecordedAt) {
    }

    /** Repositories with more tags than this are listed page by page from the database instead. */
    static final int MAX_CACHED_TAGS = 100_000;

    private record Key(RepositoryName repository, long generation, String reference) {
    }

    /** Generations come from one counter, so that a repository whose generation was evicted gets an unused one. */
    private static final AtomicLong NEXT_GENERATION = new AtomicLong();

    private final Cache<RepositoryName, Long> generations = Caffeine.newBuilder().maximumSize(100_000).build();
    private final Cache<Key, Entry> manifests = Caffeine.newBuilder().maximumWeight(MAX_BYTES)
            .weigher((Key key, Entry entry) -> entry.manifest().content().length + ENTRY_OVERHEAD).build();
    /** Each repository's tags in lexical order, so that tags/list pages are a binary search. */
    private final Cache<Key, List<String>> tagLists = Caffeine.newBuilder().maximumSize(1000).build();

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    CacheScopes scopes;

    Entry get(RepositoryName repository, String reference) {
        return manifests.getIfPresent(new Key(repository, generation(repository), reference));
    }

    long generation(RepositoryName repository) {
        return generations.get(repository, r -> NEXT_GENERATION.incrementAndGet());
    }

    /** Stores what was read from the database under the generation taken before reading. */
    void put(RepositoryName repository, String reference, Entry entry, long generationRead) {
        manifests.put(new Key(repository, generationRead, reference), entry);
    }

    List<String> tags(RepositoryName repository) {
        return tagLists.getIfPresent(new Key(repository, generation(repository), ""));
    }

    void putTags(RepositoryName repository, List<String> sortedTags, long generationRead) {
        tagLists.put(new Key(repository, generationRead, ""), List.copyOf(sortedTags));
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
        if (change.scope().startsWith(CacheScopes.REPOSITORY)) {
            bump(RepositoryName.parse(change.scope().substring(CacheScopes.REPOSITORY.length())));
        }
    }

    private void bump(RepositoryName repository) {
        generations.put(repository, NEXT_GENERATION.incrementAndGet());
    }
}
