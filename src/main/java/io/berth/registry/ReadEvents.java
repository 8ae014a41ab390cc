package io.berth.registry;

import io.berth.events.DomainEvent;
import io.berth.events.PendingEvents;
import io.berth.platform.RegistryMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads (manifests pulled, blobs downloaded), counted in memory and written to the outbox by the event timers at
 * least once a second, so that a pull never waits for a write. Reads of the same thing by the same caller on the same
 * UTC day are added up between two flushes: under load a flush writes one event per image and caller, not one per
 * request. A crash loses at most the last second's counts; past {@link #CAPACITY} different things waiting (the
 * database is down), new reads are counted as dropped rather than filling the heap.
 */
@ApplicationScoped
public class ReadEvents implements PendingEvents {

    static final int CAPACITY = 100_000;
    private static final long DAY_MILLIS = 86_400_000L;

    /** What reads are added up by; {@code reference} is null for a blob download. */
    private record Key(boolean download, RepositoryName repository, String digest, String reference, String actor,
                       long day) {

        static Key pull(RepositoryName repository, String digest, String reference, String actor, long at) {
            return new Key(false, repository, digest, reference, actor, at / DAY_MILLIS);
        }

        static Key download(RepositoryName repository, String digest, String actor, long at) {
            return new Key(true, repository, digest, null, actor, at / DAY_MILLIS);
        }
    }

    /** Reads so far: how many, their bytes, and when the last one was. */
    private record Count(long reads, long bytes, long last) {

        Count add(Count more) {
            return new Count(reads + more.reads, bytes + more.bytes, Math.max(last, more.last));
        }
    }

    private final ConcurrentHashMap<Key, Count> waiting = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    @Inject
    RegistryMetrics metrics;

    @PostConstruct
    void registerMetric() {
        metrics.gauge("berth_read_events_dropped", RegistryMetrics.NO_UNIT, "reads not counted since the start because too"
                + " many different ones waited (the database could not keep up)", dropped::get);
    }

    /** A manifest was read by {@code reference} (a tag or the digest): {@code bytes} went out. */
    public void pulled(RepositoryName repository, String digest, String reference, long bytes, String actor, long at) {
        add(Key.pull(repository, digest, reference, actor, at), new Count(1, bytes, at));
    }

    /** A blob's bytes went out: all of it, or the part a range asked for. */
    public void downloaded(RepositoryName repository, String digest, long bytes, String actor, long at) {
        add(Key.download(repository, digest, actor, at), new Count(1, bytes, at));
    }

    private void add(Key key, Count count) {
        if (waiting.size() >= CAPACITY && !waiting.containsKey(key)) {
            dropped.addAndGet(count.reads());
            return;
        }
        waiting.merge(key, count, Count::add);
    }

    @Override
    public void restore(List<DomainEvent> events) {
        for (DomainEvent event : events) {
            if (event instanceof RegistryEvent.ImagePulled pulled) {
                add(Key.pull(RepositoryName.parse(pulled.repository()), pulled.digest(), pulled.reference(),
                        pulled.actor(), pulled.at()), new Count(pulled.pulls(), pulled.bytes(), pulled.at()));
            } else if (event instanceof RegistryEvent.BlobDownloaded downloaded) {
                add(Key.download(RepositoryName.parse(downloaded.repository()), downloaded.digest(),
                        downloaded.actor(), downloaded.at()),
                        new Count(downloaded.downloads(), downloaded.bytes(), downloaded.at()));
            }
        }
    }

    /**
     * Takes up to {@code max} of the waiting counts as events. Each is removed atomically: a read counted meanwhile
     * starts a new count, for the next flush.
     */
    @Override
    public List<DomainEvent> take(int max) {
        List<DomainEvent> taken = new ArrayList<>();
        for (Key key : waiting.keySet()) {
            if (taken.size() == max) {
                break;
            }
            Count count = waiting.remove(key);
            if (count != null) {
                taken.add(key.download()
                        ? new RegistryEvent.BlobDownloaded(key.repository().toString(), key.digest(), count.reads(),
                                count.bytes(), key.actor(), count.last())
                        : new RegistryEvent.ImagePulled(key.repository().toString(), key.digest(), key.reference(),
                                count.reads(), count.bytes(), key.actor(), count.last()));
            }
        }
        return taken;
    }
}
