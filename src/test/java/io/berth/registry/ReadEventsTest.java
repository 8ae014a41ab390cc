package io.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.berth.events.DomainEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ReadEventsTest {

    private static final String REPO = "000000000000/team/app";
    private static final RepositoryName NAME = new RepositoryName("000000000000", "team/app");
    private static final String DIGEST = "sha256:" + "a".repeat(64);
    private static final long DAY = 86_400_000L;

    @Test
    void readsOfTheSameThingByTheSameCallerOnTheSameDayAreAddedUp() {
        ReadEvents reads = new ReadEvents();
        reads.pulled(NAME, DIGEST, "latest", 500, "000000000000/admin", 10 * DAY + 1);
        reads.pulled(NAME, DIGEST, "latest", 500, "000000000000/admin", 10 * DAY + 7);
        reads.pulled(NAME, DIGEST, DIGEST, 500, "000000000000/admin", 10 * DAY + 8);
        reads.pulled(NAME, DIGEST, "latest", 500, "000000000000/ci", 10 * DAY + 9);
        reads.pulled(NAME, DIGEST, "latest", 500, "000000000000/admin", 11 * DAY);
        reads.downloaded(NAME, DIGEST, 1000, "000000000000/admin", 10 * DAY + 2);
        reads.downloaded(NAME, DIGEST, 24, "000000000000/admin", 10 * DAY + 3);

        List<DomainEvent> events = reads.take(100);

        assertEquals(5, events.size(), events.toString());
        assertEquals(true, events.contains(new RegistryEvent.ImagePulled(REPO, DIGEST, "latest", 2, 1000,
                "000000000000/admin", 10 * DAY + 7)), "two pulls by tag, the last one's time");
        assertEquals(true, events.contains(new RegistryEvent.ImagePulled(REPO, DIGEST, "latest", 1, 500,
                "000000000000/admin", 11 * DAY)), "the next day is counted apart");
        assertEquals(true, events.contains(new RegistryEvent.BlobDownloaded(REPO, DIGEST, 2, 1024,
                "000000000000/admin", 10 * DAY + 3)));
        assertEquals(List.of(), reads.take(100), "what is taken is no longer held");
    }

    @Test
    void whatCouldNotBeWrittenIsCountedAgainWithTheReadsSince() {
        ReadEvents reads = new ReadEvents();
        reads.pulled(NAME, DIGEST, "latest", 100, "000000000000/admin", DAY + 1);
        List<DomainEvent> taken = reads.take(10);
        reads.pulled(NAME, DIGEST, "latest", 100, "000000000000/admin", DAY + 5);

        reads.restore(taken);

        assertEquals(List.of(new RegistryEvent.ImagePulled(REPO, DIGEST, "latest", 2, 200, "000000000000/admin",
                DAY + 5)), reads.take(10));
    }

    @Test
    void takingAtMostSomeLeavesTheRest() {
        ReadEvents reads = new ReadEvents();
        for (int i = 0; i < 5; i++) {
            reads.pulled(NAME, DIGEST, "tag" + i, 1, "000000000000/admin", DAY);
        }
        assertEquals(3, reads.take(3).size());
        assertEquals(2, reads.take(3).size());
    }

    @Test
    void noReadIsLostWhileCountsAreTaken() throws Exception {
        ReadEvents reads = new ReadEvents();
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            readers.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    reads.pulled(NAME, DIGEST, "latest", 3, "000000000000/admin", DAY);
                }
            }));
        }
        long[] totals = new long[2];
        while (readers.stream().anyMatch(f -> !f.isDone())) {
            add(reads.take(10), totals);
        }
        for (List<DomainEvent> rest = reads.take(10); !rest.isEmpty(); rest = reads.take(10)) {
            add(rest, totals);
        }
        pool.shutdown();
        assertEquals((long) threads * perThread, totals[0]);
        assertEquals(3L * threads * perThread, totals[1]);
    }

    private static void add(List<DomainEvent> events, long[] totals) {
        for (DomainEvent event : events) {
            totals[0] += ((RegistryEvent.ImagePulled) event).pulls();
            totals[1] += ((RegistryEvent.ImagePulled) event).bytes();
        }
    }
}
