package io.berth.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark of Berth's housekeeping: lifecycle policy previews and runs, and garbage collection.
 * JDK only, one file, run with the source launcher; see {@link #USAGE} (printed by {@code --help}).
 *
 * <p>Design notes:
 * <ul>
 *   <li>One shared {@link HttpClient}, HTTP/1.1 forced; one fixed pool of {@code --concurrency} platform threads
 *       doing synchronous requests for the pushes.</li>
 *   <li>The preview is started with the policy text in the request, before PutLifecyclePolicy stores it: with a
 *       short lifecycle interval the server's own timer would otherwise apply the stored policy while the preview
 *       is evaluated, and the preview would count a repository that is shrinking under it.</li>
 *   <li>GC blobs are generated from (run seed, index) by SplitMix64, so a sample can be re-generated and checked
 *       without holding the blobs in memory; only their digests are kept.</li>
 *   <li>JSON answers are read with a few regular expressions (the answers are small and flat enough).</li>
 * </ul>
 */
public final class HousekeepingBench {

    /** usage */
    static final String USAGE = """
            HousekeepingBench: times Berth's lifecycle policy previews and runs, and its garbage collection.

              java src/bench/java/io/berth/bench/HousekeepingBench.java --url URL --user admin --password P [options]

            Phases (both by default, in this order; choose with --phases lifecycle,gc):
              lifecycle  push --images OCI images into bench/lifecycle-<suffix> (a unique config blob each, one
                         layer shared by all); image i is tagged build-<i>, except every 10th (i % 10 == 9), which is
                         pushed by digest and stays untagged. Then StartLifecyclePolicyPreview with the policy
                                rule 1: tagged, tagPrefixList [build-], imageCountMoreThan 1000 -> expire
                                rule 2: untagged, imageCountMoreThan 100 -> expire
                         and GetLifecyclePolicyPreview every 50 ms until COMPLETE: preview time and
                         summary.expiringImageTotalCount (checked against the expected count). Then
                         PutLifecyclePolicy stores the policy. With --apply: GetLifecyclePolicy until it reports
                         lastEvaluatedAt (the server's lifecycle timer ran it), then ListImages counts what is left.
              gc         upload --blobs distinct blobs of --blob-bytes into bench/gc-<suffix>, push manifests (tags
                         m-<k>: config + 9 layers each) referencing the first half, then POST /berth/gc and
                         GET /berth/gc every 200 ms until the run is COMPLETE; checks that at least the other half
                         was deleted, that 100 referenced blobs still GET with the right sha256 and that 100
                         unreferenced ones HEAD 404.

            Options (--name value or --name=value):
              --url URL            Berth's base URL                          (default http://127.0.0.1:5000)
              --user U --password P  HTTP Basic credentials (an administrator of the bootstrap account for gc)
              --phases LIST        phases to run                             (default lifecycle,gc)
              --images N           images to push for lifecycle              (default 10000)
              --blobs M            blobs to upload for gc, at least 20       (default 100000)
              --blob-bytes B       size of each gc blob, at least 32         (default 2048)
              --concurrency C      threads pushing                           (default 8)
              --apply              wait for the server's lifecycle run and count the images it left
              --no-collect         gc phase: upload and push only, for a registry collected by its own tool
              --help               this text

            The server needs for --apply a short lifecycle interval, and for gc no grace period, e.g.:
              BERTH_LIFECYCLE_INTERVAL_SECONDS=5 BERTH_GC_GRACE_SECONDS=0
            (defaults 900 s and 3600 s: with them --apply waits up to 15 minutes and gc deletes nothing of ours).

            Output: progress on stderr, then on stdout a summary, the checks, and a line 'RESULT key=value ...'.
            Exit status: 0 all checks passed, 1 the server answered unexpectedly (status and body are printed),
            2 bad options, 3 finished but a check failed.
            Example (quick smoke test):
              java src/bench/java/io/berth/bench/HousekeepingBench.java --url http://127.0.0.1:5000 --user admin \\
                --password P --images 1200 --blobs 2000 --concurrency 4 --apply
            """;

    static final String OCTET = "application/octet-stream";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String ECR_JSON = "application/x-amz-json-1.1";
    static final String ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921.";
    static final long START = System.nanoTime();
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Lifecycle rule 1 keeps this many tagged images, rule 2 this many untagged ones. */
    static final int KEEP_TAGGED = 1000;
    static final int KEEP_UNTAGGED = 100;
    static final int SAMPLES = 100;
    /** How long --apply waits for the server's timer (its default interval is 900 s) and its run. */
    static final Duration APPLY_WAIT = Duration.ofMinutes(30);
    /** How long a collection may run before the bench gives up on it. */
    static final Duration COLLECTION_WAIT = Duration.ofHours(2);

    private final Options opt;
    private final Client reg;
    private final Report report = new Report();
    private final ExecutorService pool;
    /** Differs per invocation: repository names and gc blob contents are new on every run. */
    private final String suffix;
    private final long seed;

    HousekeepingBench(Options opt) {
        this.opt = opt;
        this.reg = new Client(opt);
        SecureRandom random = new SecureRandom();
        this.seed = random.nextLong();
        this.suffix = HexFormat.of().toHexDigits(random.nextInt());
        this.pool = Executors.newFixedThreadPool(opt.concurrency(), r -> {
            Thread t = new Thread(r, "bench-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public static void main(String[] args) {
        Options opt;
        try {
            opt = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (opt == null) {
            System.out.print(USAGE);
            return;
        }
        HousekeepingBench bench = new HousekeepingBench(opt);
        int rc = 0;
        try {
            bench.run();
        } catch (BenchError e) {
            System.err.println("FAILED: " + e.getMessage());
            rc = 1;
        } catch (RuntimeException e) {
            e.printStackTrace();
            rc = 1;
        }
        boolean checksOk = bench.report.print(opt, bench.suffix, rc == 0);
        if (rc == 0 && !checksOk) rc = 3;
        System.exit(rc); // HttpClient and pool threads must not keep the JVM alive
    }

    void run() {
        reg.checkV2();
        log("registry " + opt.url() + " answers /v2/; run suffix " + suffix + ", concurrency " + opt.concurrency());
        if (opt.phases().contains("lifecycle")) phase("lifecycle", this::lifecycle);
        if (opt.phases().contains("gc")) phase("gc", this::gc);
    }

    private void phase(String name, Runnable body) {
        log("=== phase " + name);
        long t0 = System.nanoTime();
        body.run();
        log(String.format(Locale.ROOT, "=== phase %s done in %.1f s", name, secondsSince(t0)));
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** i % 10 == 9 is pushed by digest (untagged), every other image as build-<i>. */
    static boolean untagged(int i) {
        return i % 10 == 9;
    }

    private void lifecycle() {
        String repo = "bench/lifecycle-" + suffix;
        int n = opt.images();
        int untagged = n / 10;
        int tagged = n - untagged;
        long expected = Math.max(0, tagged - KEEP_TAGGED) + Math.max(0, untagged - KEEP_UNTAGGED);
        report.section(String.format(Locale.ROOT, "lifecycle: %d images (%d tagged build-<i>, %d untagged) in %s",
                n, tagged, untagged, repo));

        // The shared layer, once, untimed: a registry never unpacks layers, so any bytes will do.
        byte[] layer = ("berth housekeeping bench " + suffix + "\n").getBytes(StandardCharsets.UTF_8);
        String layerDigest = digestOf(layer);
        String diffId = layerDigest;
        reg.uploadBlob(repo, layer, layerDigest);
        log("shared layer " + layerDigest + " (" + layer.length + " bytes) uploaded");

        LongAdder requests = new LongAdder();
        long t0 = System.nanoTime();
        parallel("push", n, "images", i -> {
            byte[] config = lifecycleConfig(i, diffId);
            String configDigest = digestOf(config);
            reg.uploadBlob(repo, config, configDigest);
            byte[] manifest = manifest(configDigest, config.length, List.of(layerDigest), List.of((long) layer.length));
            String digest = digestOf(manifest);
            reg.putManifest(repo, untagged(i) ? digest : "build-" + i, manifest, digest);
            requests.add(2);
        });
        double pushS = secondsSince(t0);
        report.line("push:    %d images in %.1f s = %.1f images/s (%.1f req/s: config blob POST + manifest PUT each)",
                n, pushS, n / pushS, requests.sum() / pushS);
        report.put("images", n);
        report.put("push_s", pushS);
        report.put("push_images_per_s", n / pushS);

        // Preview first, with the text in the request: see the class comment.
        String policy = lifecyclePolicy();
        String repoJson = "\"repositoryName\":" + quote(repo);
        long p0 = System.nanoTime();
        String started = reg.ecr("StartLifecyclePolicyPreview", "{" + repoJson + ",\"lifecyclePolicyText\":" + quote(policy) + "}");
        double startMs = millisSince(p0);
        String startStatus = jsonString(withoutPolicyText(started), "status");
        if (!"IN_PROGRESS".equals(startStatus) && !"COMPLETE".equals(startStatus)) {
            throw new BenchError("StartLifecyclePolicyPreview answered status " + startStatus + ": " + abbreviate(started, 500));
        }
        String preview;
        int polls = 0;
        while (true) {
            preview = withoutPolicyText(reg.ecr("GetLifecyclePolicyPreview", "{" + repoJson + ",\"maxResults\":100}"));
            polls++;
            String status = jsonString(preview, "status");
            if ("COMPLETE".equals(status)) break;
            if ("FAILED".equals(status)) throw new BenchError("lifecycle policy preview FAILED: " + abbreviate(preview, 500));
            if (!"IN_PROGRESS".equals(status)) throw new BenchError("GetLifecyclePolicyPreview: status " + status + ": " + abbreviate(preview, 500));
            if (secondsSince(p0) > TIMEOUT.toSeconds() * 10) throw new BenchError("preview not COMPLETE after " + TIMEOUT.toSeconds() * 10 + " s");
            pause(50);
        }
        double previewS = secondsSince(p0);
        Long expiring = jsonLong(preview, "expiringImageTotalCount");
        int firstPage = jsonObjects(preview, "previewResults").size();
        log(String.format(Locale.ROOT, "preview COMPLETE after %.3f s (%d polls): expiringImageTotalCount %s", previewS, polls, expiring));
        report.line("preview: %.3f s from StartLifecyclePolicyPreview (answered in %.0f ms) to COMPLETE (%d polls of 50 ms)",
                previewS, startMs, polls);
        report.line("         expiringImageTotalCount %s, expected %d (tagged %d - %d kept + untagged %d - %d kept); first page %d results",
                expiring, expected, tagged, Math.min(tagged, KEEP_TAGGED), untagged, Math.min(untagged, KEEP_UNTAGGED), firstPage);
        report.check("preview expiringImageTotalCount = " + expected, expiring != null && expiring == expected,
                "got " + expiring);
        report.check("preview first page has min(100, expiring) results", expiring != null && firstPage == Math.min(100, expiring),
                "got " + firstPage);
        report.put("preview_s", previewS);
        report.put("expiring", expiring);

        long putWall = System.currentTimeMillis();
        long put0 = System.nanoTime();
        reg.ecr("PutLifecyclePolicy", "{" + repoJson + ",\"lifecyclePolicyText\":" + quote(policy) + "}");
        log("PutLifecyclePolicy stored the policy");
        if (!opt.apply()) {
            report.line("run:     not waited for (no --apply); the server's timer applies the stored policy later");
            return;
        }

        log("--apply: waiting for the server's lifecycle timer (BERTH_LIFECYCLE_INTERVAL_SECONDS) to run the policy");
        BigDecimal evaluatedAt;
        long lastLog = System.nanoTime();
        while (true) {
            String got = withoutPolicyText(reg.ecr("GetLifecyclePolicy", "{" + repoJson + "}"));
            String at = jsonNumber(got, "lastEvaluatedAt");
            if (at != null) {
                evaluatedAt = new BigDecimal(at);
                break;
            }
            if (secondsSince(put0) > APPLY_WAIT.toSeconds()) {
                throw new BenchError("no lastEvaluatedAt " + APPLY_WAIT.toMinutes() + " min after PutLifecyclePolicy:"
                        + " is the server's lifecycle interval short (BERTH_LIFECYCLE_INTERVAL_SECONDS=5)?");
            }
            if (secondsSince(lastLog) >= 10) {
                log(String.format(Locale.ROOT, "still no lastEvaluatedAt, %.0f s after the put", secondsSince(put0)));
                lastLog = System.nanoTime();
            }
            pause(100);
        }
        double untilEvaluated = secondsSince(put0);
        long seenWall = System.currentTimeMillis();
        long evaluatedMs = evaluatedAt.movePointRight(3).longValue();
        // lastEvaluatedAt is when the run started; it appears when the run has ended.
        double startedAfter = (evaluatedMs - putWall) / 1e3;
        double runApprox = (seenWall - evaluatedMs) / 1e3;

        long l0 = System.nanoTime();
        Listing left = listImages(repo);
        double listS = secondsSince(l0);
        long expectLeft = n - expected;
        report.line("run:     lastEvaluatedAt appeared %.2f s after PutLifecyclePolicy (polled every 100 ms)", untilEvaluated);
        report.line("         lastEvaluatedAt = put + %.2f s (run start); seen %.2f s later = the run's time, roughly"
                + " (server clock vs this host's)", startedAfter, runApprox);
        report.line("         images left: %d (%d tagged, %d untagged), expected %d; ListImages walk %.2f s, %d pages",
                left.digests().size(), left.tagged(), left.untagged(), expectLeft, listS, left.pages());
        report.check("images left after the run = " + expectLeft, left.digests().size() == expectLeft,
                "got " + left.digests().size());
        report.check("tagged left = " + Math.min(tagged, KEEP_TAGGED) + ", untagged left = " + Math.min(untagged, KEEP_UNTAGGED),
                left.tagged() == Math.min(tagged, KEEP_TAGGED) && left.untagged() == Math.min(untagged, KEEP_UNTAGGED),
                "got " + left.tagged() + " tagged, " + left.untagged() + " untagged");
        report.put("until_evaluated_s", untilEvaluated);
        report.put("run_s_approx", runApprox);
        report.put("images_left", left.digests().size());
    }

    /** A few hundred bytes of image config, unique per image. */
    private byte[] lifecycleConfig(int i, String diffId) {
        return String.format(Locale.ROOT, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-01T00:00:00Z\","
                        + "\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
                        + "\"Labels\":{\"io.berth.bench.run\":\"%s\",\"io.berth.bench.image\":\"%d\"}},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]},"
                        + "\"history\":[{\"created\":\"2026-01-01T00:00:00Z\",\"created_by\":\"berth housekeeping bench\"}]}",
                suffix, i, diffId).getBytes(StandardCharsets.UTF_8);
    }

    static String lifecyclePolicy() {
        return "{\"rules\":["
                + "{\"rulePriority\":1,\"description\":\"keep the " + KEEP_TAGGED + " newest build- images\","
                + "\"selection\":{\"tagStatus\":\"tagged\",\"tagPrefixList\":[\"build-\"],\"countType\":\"imageCountMoreThan\","
                + "\"countNumber\":" + KEEP_TAGGED + "},\"action\":{\"type\":\"expire\"}},"
                + "{\"rulePriority\":2,\"description\":\"keep the " + KEEP_UNTAGGED + " newest untagged images\","
                + "\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"imageCountMoreThan\","
                + "\"countNumber\":" + KEEP_UNTAGGED + "},\"action\":{\"type\":\"expire\"}}]}";
    }

    record Listing(Set<String> digests, int tagged, int untagged, int pages) { }

    /** ListImages, every page: distinct digests, and how many have a tag (each of ours has at most one). */
    private Listing listImages(String repo) {
        Set<String> digests = new HashSet<>();
        Set<String> taggedDigests = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            String body = "{\"repositoryName\":" + quote(repo) + ",\"maxResults\":1000"
                    + (token == null ? "" : ",\"nextToken\":" + quote(token)) + "}";
            String page = reg.ecr("ListImages", body);
            pages++;
            for (String entry : jsonObjects(page, "imageIds")) {
                String digest = jsonString(entry, "imageDigest");
                if (digest == null) throw new BenchError("ListImages: an imageId without imageDigest: " + entry);
                digests.add(digest);
                if (jsonString(entry, "imageTag") != null) taggedDigests.add(digest);
            }
            token = jsonString(page, "nextToken");
        } while (token != null);
        return new Listing(digests, taggedDigests.size(), digests.size() - taggedDigests.size(), pages);
    }

    // ------------------------------------------------------------------------------------------------ gc

    private void gc() {
        String repo = "bench/gc-" + suffix;
        int m = opt.blobs();
        int size = opt.blobBytes();
        int manifests = m / 2 / 10;
        int referenced = manifests * 10;
        int garbage = m - referenced;
        report.section(String.format(Locale.ROOT, "gc: %d blobs of %d bytes in %s, %d referenced by %d manifests, %d garbage",
                m, size, repo, referenced, manifests, garbage));

        String[] digests = new String[m];
        long t0 = System.nanoTime();
        parallel("upload", m, "blobs", i -> {
            byte[] data = gcBlob(i);
            String digest = digestOf(data);
            reg.uploadBlob(repo, data, digest);
            digests[i] = digest;
        });
        double uploadS = secondsSince(t0);
        report.line("upload:    %d blobs in %.1f s = %.0f blobs/s, %.2f MiB/s (monolithic POST ?digest=)",
                m, uploadS, m / uploadS, (double) m * size / (1 << 20) / uploadS);
        report.put("blobs", m);
        report.put("upload_s", uploadS);
        report.put("upload_blobs_per_s", m / uploadS);

        long m0 = System.nanoTime();
        List<Long> layerSizes = Collections.nCopies(9, (long) size);
        parallel("manifests", manifests, "manifests", k -> {
            int first = k * 10;
            byte[] manifest = manifest(digests[first], size, Arrays.asList(digests).subList(first + 1, first + 10), layerSizes);
            reg.putManifest(repo, "m-" + k, manifest, digestOf(manifest));
        });
        double manifestS = secondsSince(m0);
        report.line("manifests: %d in %.1f s = %.0f manifests/s (config + 9 layers each, tags m-<k>)",
                manifests, manifestS, manifests / manifestS);
        report.put("manifest_push_s", manifestS);
        if (opt.noCollect()) {
            // Another registry (the reference's offline garbage-collect, say) collects this data with its own tool.
            report.line("collect:   skipped (--no-collect): %d unreferenced blobs left in %s", garbage, repo);
            return;
        }

        // The run before ours: POST answers it (or {}), so ours is the first with a greater id.
        Map<String, String> before = reg.lastCollection();
        long beforeId = before == null ? 0 : Long.parseLong(before.getOrDefault("id", "0"));
        if (before != null && "RUNNING".equals(before.get("state"))) {
            log("collection " + beforeId + " is running already; waiting for it to end first");
            awaitCollection(beforeId - 1);
        }
        long c0 = System.nanoTime();
        reg.startCollection();
        log("POST /berth/gc accepted; polling GET /berth/gc every 200 ms");
        Map<String, String> run = awaitCollection(beforeId);
        double observedS = secondsSince(c0);
        long deleted = longOf(run, "blobsDeleted");
        long bytes = longOf(run, "bytesDeleted");
        report.line("collect:   run %s %s in %s ms (server's millis; %.2f s POST to COMPLETE seen here)",
                run.get("id"), run.get("state"), run.get("millis"), observedS);
        report.line("           blobsStored %s, blobsUnreferenced %s, blobsDeleted %d, bytesDeleted %d, uploadsDeleted %s",
                run.get("blobsStored"), run.get("blobsUnreferenced"), deleted, bytes, run.get("uploadsDeleted"));
        if (run.containsKey("message")) report.line("           message: %s", run.get("message"));
        if (deleted == 0) {
            report.line("           NOTHING was deleted: the server keeps unreferenced blobs for a grace period (default 3600 s);"
                    + " start it with BERTH_GC_GRACE_SECONDS=0");
        }
        report.check("collection COMPLETE", "COMPLETE".equals(run.get("state")), "state " + run.get("state"));
        report.check("blobsDeleted >= " + garbage + " (our garbage; earlier garbage may add to it)", deleted >= garbage,
                "got " + deleted);
        report.check("bytesDeleted >= " + (long) garbage * size, bytes >= (long) garbage * size, "got " + bytes);
        report.put("gc_millis", run.get("millis"));
        report.put("blobs_stored", run.get("blobsStored"));
        report.put("blobs_deleted", deleted);
        report.put("bytes_deleted", bytes);

        // Samples, evenly spread over each half.
        int refSamples = Math.min(SAMPLES, referenced);
        int refOk = 0;
        List<String> refBad = new ArrayList<>();
        for (int s = 0; s < refSamples; s++) {
            int i = (int) ((long) s * referenced / refSamples);
            String problem = reg.getBlobProblem(repo, digests[i], gcBlob(i));
            if (problem == null) refOk++; else refBad.add("blob " + i + " " + digests[i] + ": " + problem);
        }
        int garbageSamples = Math.min(SAMPLES, garbage);
        int gone = 0;
        List<String> stillThere = new ArrayList<>();
        for (int s = 0; s < garbageSamples; s++) {
            int i = referenced + (int) ((long) s * garbage / garbageSamples);
            int status = reg.headBlob(repo, digests[i]);
            if (status == 404) gone++; else stillThere.add("blob " + i + " " + digests[i] + ": HEAD " + status);
        }
        report.line("samples:   %d/%d referenced blobs GET 200 with the right sha256; %d/%d unreferenced HEAD 404",
                refOk, refSamples, gone, garbageSamples);
        report.check(refSamples + " referenced blobs still readable and intact", refOk == refSamples,
                abbreviate(String.join("; ", refBad), 600));
        report.check(garbageSamples + " unreferenced blobs HEAD 404", gone == garbageSamples,
                abbreviate(String.join("; ", stillThere), 600));
    }

    /** Polls GET /berth/gc every 200 ms until the first run with an id above {@code afterId} has ended. */
    private Map<String, String> awaitCollection(long afterId) {
        long t0 = System.nanoTime();
        String lastPhase = null;
        long lastPrint = 0;
        String lastDeleted = null;
        while (true) {
            Map<String, String> r = reg.lastCollection();
            long id = r == null ? 0 : Long.parseLong(r.getOrDefault("id", "0"));
            if (id > afterId) {
                String state = r.get("state");
                String phase = r.get("phase");
                boolean changed = !phase.equals(lastPhase) || !r.get("blobsDeleted").equals(lastDeleted);
                if (!"RUNNING".equals(state)) {
                    log(String.format(Locale.ROOT, "collection %d %s after %.1f s: blobsDeleted %s", id, state,
                            secondsSince(t0), r.get("blobsDeleted")));
                    return r;
                }
                if (!phase.equals(lastPhase) || (changed && System.nanoTime() - lastPrint >= 1_000_000_000L)) {
                    log(String.format(Locale.ROOT, "collection %d %s, phase %s: blobsUnreferenced %s, blobsDeleted %s",
                            id, state, phase, r.get("blobsUnreferenced"), r.get("blobsDeleted")));
                    lastPrint = System.nanoTime();
                }
                lastPhase = phase;
                lastDeleted = r.get("blobsDeleted");
            } else if (secondsSince(t0) > 60) {
                throw new BenchError("GET /berth/gc shows no run after id " + afterId + " 60 s after POST: " + r);
            }
            if (secondsSince(t0) > COLLECTION_WAIT.toSeconds()) {
                throw new BenchError("collection still running after " + COLLECTION_WAIT.toMinutes() + " min: " + r);
            }
            pause(200);
        }
    }

    /** Blob i of this run: SplitMix64 words from (seed, i), so it can be generated again to check a GET. */
    private byte[] gcBlob(int i) {
        byte[] b = new byte[opt.blobBytes()];
        long state = seed ^ (i * 0xD1B54A32D192ED03L);
        for (int off = 0; off < b.length; off += 8) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            for (int k = 0; k < 8 && off + k < b.length; k++) b[off + k] = (byte) (z >>> (8 * k));
        }
        return b;
    }

    static long longOf(Map<String, String> m, String key) {
        String v = m.get(key);
        return v == null ? -1 : Long.parseLong(v);
    }

    // ------------------------------------------------------------------------------------------------ shared

    /** An OCI image manifest with the given config and layers. */
    static byte[] manifest(String configDigest, long configSize, List<String> layers, List<Long> layerSizes) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",")
                .append("\"config\":{\"mediaType\":\"").append(OCI_CONFIG).append("\",\"digest\":\"").append(configDigest)
                .append("\",\"size\":").append(configSize).append("},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"mediaType\":\"").append(OCI_LAYER).append("\",\"digest\":\"").append(layers.get(i))
                    .append("\",\"size\":").append(layerSizes.get(i)).append('}');
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs task(0..count-1) on the pool's --concurrency threads, printing progress every second; the first failure
     * stops the others and is rethrown.
     */
    private void parallel(String label, int count, String unit, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        LongAdder done = new LongAdder();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < opt.concurrency(); w++) {
            futures.add(pool.submit(() -> {
                for (int i; failure.get() == null && (i = next.getAndIncrement()) < count; ) {
                    try {
                        task.accept(i);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                    done.increment();
                }
            }));
        }
        try (Ticker t = new Ticker(label, done, count, unit)) {
            for (Future<?> f : futures) join(f);
        }
        if (failure.get() != null) throw failure.get();
        log(label + ": " + count + " " + unit + " done");
    }

    // ------------------------------------------------------------------------------------------------ options

    record Options(String url, String user, String password, Set<String> phases, int images, int blobs, int blobBytes,
                   int concurrency, boolean apply, boolean noCollect) {

        static final List<String> PHASES = List.of("lifecycle", "gc");
        static final Set<String> KEYS = Set.of("url", "user", "password", "phases", "images", "blobs", "blob-bytes",
                "concurrency");
        static final Set<String> FLAGS = Set.of("apply", "no-collect");

        /** Parses --name value / --name=value; returns null for --help. */
        static Options parse(String[] args) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) return null;
                if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
                String key = a.substring(2), value;
                int eq = key.indexOf('=');
                if (FLAGS.contains(key)) {
                    m.put(key, "true");
                    continue;
                }
                if (eq >= 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else {
                    if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                    value = args[++i];
                }
                if (!KEYS.contains(key)) throw new IllegalArgumentException("unknown option --" + key);
                m.put(key, value);
            }
            Set<String> phases = new LinkedHashSet<>();
            for (String p : m.getOrDefault("phases", String.join(",", PHASES)).split(",")) {
                if (!PHASES.contains(p.trim())) throw new IllegalArgumentException("unknown phase '" + p + "' in --phases");
                phases.add(p.trim());
            }
            if (m.containsKey("password") && !m.containsKey("user")) throw new IllegalArgumentException("--password without --user");
            String url = m.getOrDefault("url", "http://127.0.0.1:5000").replaceAll("/+$", "");
            if (!url.matches("https?://.+")) throw new IllegalArgumentException("--url must start with http:// or https://");
            int blobs = positive("blobs", m.getOrDefault("blobs", "100000"));
            if (blobs < 20) throw new IllegalArgumentException("--blobs must be at least 20");
            int blobBytes = positive("blob-bytes", m.getOrDefault("blob-bytes", "2048"));
            if (blobBytes < 32) throw new IllegalArgumentException("--blob-bytes must be at least 32");
            return new Options(url, m.get("user"), m.getOrDefault("password", ""), phases,
                    positive("images", m.getOrDefault("images", "10000")), blobs, blobBytes,
                    positive("concurrency", m.getOrDefault("concurrency", "8")), m.containsKey("apply"), m.containsKey("no-collect"));
        }

        private static int positive(String name, String value) {
            try {
                int v = Integer.parseInt(value);
                if (v > 0) return v;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--" + name + " must be a positive integer, got '" + value + "'");
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    /** The calls the bench makes; every request carries the Basic credentials. */
    static final class Client {
        final HttpClient http;
        private final String baseUrl;
        private final String auth;

        Client(Options o) {
            this.baseUrl = o.url();
            this.auth = o.user() == null ? null
                    : "Basic " + Base64.getEncoder().encodeToString((o.user() + ":" + o.password()).getBytes(StandardCharsets.UTF_8));
            this.http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        URI uri(String path) { return URI.create(baseUrl + path); }

        HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT)
                    .header("User-Agent", "berth-housekeeping-bench/1");
            if (auth != null) b.header("Authorization", auth);
            return b;
        }

        <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> handler) {
            try {
                return http.send(r, handler);
            } catch (IOException e) {
                throw new BenchError(r.method() + " " + r.uri() + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchError(r.method() + " " + r.uri() + " interrupted");
            }
        }

        /** Sends; any status but {@code want} is fatal, with the status and body in the message. */
        HttpResponse<String> expect(HttpRequest r, int want) {
            HttpResponse<String> resp = send(r, BodyHandlers.ofString());
            if (resp.statusCode() != want) throw BenchError.unexpected(resp, resp.body(), want);
            return resp;
        }

        void checkV2() {
            HttpResponse<String> r = send(request("/v2/").GET().build(), BodyHandlers.ofString());
            if (r.statusCode() == 401) throw new BenchError("GET /v2/ -> 401: credentials needed or wrong (--user/--password)");
            if (r.statusCode() != 200) throw BenchError.unexpected(r, r.body(), 200);
        }

        /** Monolithic upload: POST /v2/<repo>/blobs/uploads/?digest= with the whole body, 201. */
        /** Monolithic POST ?digest=; a registry that answers 202 instead (CNCF Distribution) gets POST + PUT. */
        void uploadBlob(String repo, byte[] data, String digest) {
            HttpRequest post = request("/v2/" + repo + "/blobs/uploads/?digest=" + digest).header("Content-Type", OCTET)
                    .POST(BodyPublishers.ofByteArray(data)).build();
            HttpResponse<String> r = send(post, BodyHandlers.ofString());
            if (r.statusCode() == 202) {
                String location = r.headers().firstValue("Location").orElseThrow(() ->
                        new BenchError("POST " + post.uri() + " -> 202 without Location"));
                URI target = URI.create(baseUrl + "/").resolve(location);
                String query = (target.getRawQuery() == null ? "" : target.getRawQuery() + "&") + "digest=" + digest;
                HttpRequest put = request(target.getRawPath() + "?" + query).header("Content-Type", OCTET)
                        .PUT(BodyPublishers.ofByteArray(data)).build();
                checkDigest(expect(put, 201), digest);
                return;
            }
            if (r.statusCode() != 201) {
                throw new BenchError("POST " + post.uri() + " -> HTTP " + r.statusCode() + " (expected 201)\n  body: "
                        + abbreviate(r.body(), 500));
            }
            checkDigest(r, digest);
        }

        void putManifest(String repo, String reference, byte[] manifest, String digest) {
            HttpRequest put = request("/v2/" + repo + "/manifests/" + reference).header("Content-Type", OCI_MANIFEST)
                    .PUT(BodyPublishers.ofByteArray(manifest)).build();
            checkDigest(expect(put, 201), digest);
        }

        /** null when GET answers 200 with exactly the expected bytes, else what was wrong. */
        String getBlobProblem(String repo, String digest, byte[] want) {
            HttpResponse<byte[]> r = send(request("/v2/" + repo + "/blobs/" + digest).GET().build(), BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) return "GET " + r.statusCode() + " " + abbreviate(new String(r.body(), StandardCharsets.UTF_8), 200);
            String got = digestOf(r.body());
            if (!got.equals(digest)) return "GET body has " + got + " (" + r.body().length + " bytes)";
            if (!Arrays.equals(r.body(), want)) return "GET body differs from the uploaded bytes";
            return null;
        }

        int headBlob(String repo, String digest) {
            return send(request("/v2/" + repo + "/blobs/" + digest).method("HEAD", BodyPublishers.noBody()).build(),
                    BodyHandlers.discarding()).statusCode();
        }

        /** One ECR operation (JSON 1.1 over POST /, Basic auth); 200 or fatal. Returns the answer's body. */
        String ecr(String operation, String body) {
            HttpRequest r = request("/").header("Content-Type", ECR_JSON).header("X-Amz-Target", ECR_TARGET + operation)
                    .POST(BodyPublishers.ofString(body)).build();
            return expect(r, 200).body();
        }

        /** GET /berth/gc: the latest run's members, or null when none has run (404). */
        Map<String, String> lastCollection() {
            HttpResponse<String> r = send(request("/berth/gc").GET().build(), BodyHandlers.ofString());
            if (r.statusCode() == 404 && r.body().contains("COLLECTION_UNKNOWN")) return null;
            if (r.statusCode() != 200) throw BenchError.unexpected(r, r.body(), 200);
            Map<String, String> m = flatJson(r.body());
            for (String key : List.of("id", "state", "phase", "blobsDeleted")) {
                if (!m.containsKey(key)) throw new BenchError("GET /berth/gc: no '" + key + "' in " + abbreviate(r.body(), 500));
            }
            return m;
        }

        void startCollection() {
            HttpResponse<String> r = send(request("/berth/gc").POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
            if (r.statusCode() == 409) throw new BenchError("POST /berth/gc -> 409, a collection is running: " + r.body());
            if (r.statusCode() != 202) throw BenchError.unexpected(r, r.body(), 202);
        }

        private static void checkDigest(HttpResponse<?> r, String digest) {
            String got = r.headers().firstValue("Docker-Content-Digest").orElse(null);
            if (got != null && !got.equals(digest)) {
                throw new BenchError(r.request().method() + " " + r.request().uri() + ": Docker-Content-Digest " + got + " != " + digest);
            }
        }
    }

    /** The server answered something the bench cannot go on with. */
    static final class BenchError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BenchError(String message) {
            super(message);
        }

        static BenchError unexpected(HttpResponse<?> r, String body, int want) {
            return new BenchError(String.format(Locale.ROOT, "%s %s -> HTTP %d (expected %d)%n  body: %s",
                    r.request().method(), r.request().uri(), r.statusCode(), want, abbreviate(body, 2000)));
        }
    }

    // ------------------------------------------------------------------------------------------------ JSON

    private static final Pattern POLICY_TEXT = Pattern.compile("\"lifecyclePolicyText\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*,?");
    private static final Pattern FLAT_MEMBER = Pattern.compile(
            "\"([A-Za-z0-9_]+)\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(-?[0-9][0-9.eE+-]*|true|false|null))");

    /** The answer without its lifecyclePolicyText member, whose escaped JSON would confuse the patterns below. */
    static String withoutPolicyText(String json) {
        return POLICY_TEXT.matcher(json).replaceAll("");
    }

    /** The first string member named key, unescaped; null when absent. */
    static String jsonString(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? unescape(m.group(1)) : null;
    }

    /** The first number member named key, as written; null when absent. */
    static String jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static Long jsonLong(String json, String key) {
        String n = jsonNumber(json, key);
        return n == null ? null : new BigDecimal(n).longValueExact();
    }

    /** The flat objects of the array member named key (ListImages' imageIds, the preview's results' heads). */
    static List<String> jsonObjects(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\\[").matcher(json);
        if (!m.find()) return List.of();
        List<String> out = new ArrayList<>();
        int depth = 0, start = -1;
        boolean inString = false;
        for (int i = m.end(); i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            else if (c == '{' || c == '[') {
                if (depth++ == 0) start = i;
            } else if (c == '}' || c == ']') {
                if (depth == 0) return out; // the array's own ']'
                if (--depth == 0) out.add(json.substring(start, i + 1));
            }
        }
        throw new BenchError("unterminated JSON array '" + key + "': " + abbreviate(json, 300));
    }

    /** Top-level members of a flat object (strings unescaped, numbers as written). */
    static Map<String, String> flatJson(String json) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = FLAT_MEMBER.matcher(json);
        while (x.find()) m.put(x.group(1), x.group(2) != null ? unescape(x.group(2)) : x.group(3));
        return m;
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'u' -> { sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; }
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ output

    /** Prints "<label> done/total unit, now x/s" to stderr every second while a parallel step runs. */
    static final class Ticker implements AutoCloseable {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-ticker");
            t.setDaemon(true);
            return t;
        });
        private final ScheduledFuture<?> task;

        Ticker(String label, LongAdder done, long total, String unit) {
            long t0 = System.nanoTime();
            long[] last = {0, t0}; // touched by the timer thread only
            task = TIMER.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                long count = done.sum();
                double rate = (count - last[0]) / ((now - last[1]) / 1e9);
                last[0] = count;
                last[1] = now;
                log(String.format(Locale.ROOT, "%s  %5.1fs  %d/%d %s, now %.0f/s", label, secondsSince(t0), count, total, unit, rate));
            }, 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /** Summary lines, checks, and the key=value pairs of the RESULT line. */
    static final class Report {
        private final List<String> lines = new ArrayList<>();
        private final List<String> checks = new ArrayList<>();
        private final Map<String, String> result = new LinkedHashMap<>();
        private int failed;

        void section(String title) {
            lines.add("");
            lines.add("== " + title);
        }

        void line(String format, Object... args) {
            lines.add("  " + String.format(Locale.ROOT, format, args));
        }

        void check(String what, boolean ok, String detail) {
            checks.add((ok ? "  ok      " : "  FAILED  ") + what + (ok || detail.isEmpty() ? "" : ": " + detail));
            if (!ok) {
                failed++;
                log("CHECK FAILED: " + what + ": " + detail);
            }
        }

        void put(String key, Object value) {
            if (value == null) return;
            result.put(key, value instanceof Double d ? number(d) : String.valueOf(value));
        }

        /** Prints everything; true when every check passed. */
        boolean print(Options opt, String suffix, boolean complete) {
            System.out.println("Housekeeping bench of " + opt.url() + ", run suffix " + suffix + ", concurrency "
                    + opt.concurrency() + (complete ? "" : "  (INCOMPLETE: failed, see stderr)"));
            lines.forEach(System.out::println);
            System.out.println();
            System.out.println("== checks: " + (checks.size() - failed) + " passed, " + failed + " failed");
            checks.forEach(System.out::println);
            if (complete) {
                StringBuilder sb = new StringBuilder("RESULT");
                result.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
                sb.append(" checks_failed=").append(failed);
                System.out.println();
                System.out.println(sb);
            }
            return failed == 0;
        }

        private static String number(double d) {
            if (Double.isNaN(d) || Double.isInfinite(d)) return "NA";
            String s = String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.3f", d);
            return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
    }

    // ------------------------------------------------------------------------------------------------ small utils

    static void log(String message) {
        System.err.printf(Locale.ROOT, "[%7.1fs] %s%n", secondsSince(START), message);
    }

    static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static String abbreviate(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String digestOf(byte[] data) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(data));
    }

    static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchError("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
