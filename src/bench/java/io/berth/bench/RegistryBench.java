package io.berth.bench;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
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
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Benchmark / load driver for an OCI Distribution registry (Berth, or any other such as CNCF Distribution).
 * JDK only, one file, run with the source launcher; see {@link #USAGE} (printed by {@code --help}).
 *
 * <p>Design notes:
 * <ul>
 *   <li>Blob bodies come from a counter-based PRNG ({@link PatternStream}): byte {@code i} of a blob is a pure
 *       function of (seed, i), so a GiB blob is hashed in one pass, streamed again identically, and any range of it
 *       can be re-generated to check a ranged GET, all without holding the blob in memory.</li>
 *   <li>One shared {@link HttpClient}, HTTP/1.1 forced (registries and clients speak HTTP/1.1 on plain http).</li>
 *   <li>Load phases use a fixed pool of platform threads doing synchronous requests; latencies go into a
 *       per-thread log-linear histogram (no shared lock on the hot path), merged at the end.</li>
 *   <li>With {@code --pid} the server's CPU time and RSS come from /proc, which gives a cost figure (CPU s/GiB,
 *       CPU µs/request) that other load on a shared box distorts much less than throughput.</li>
 * </ul>
 */
public final class RegistryBench {

    /** usage */
    static final String USAGE = """
            RegistryBench: benchmark/load driver for an OCI Distribution registry (Berth or any other).

              java src/bench/java/io/berth/bench/RegistryBench.java [options]

            Phases (all by default, in this order; choose with --only blob,pull,manifest,tags,catalog):
              blob      push a random --size-mb blob, generated on the fly (never held in memory), three ways,
                        --runs times each with a new blob every run; reports MiB/s medians:
                          mono    POST /v2/<repo>/blobs/uploads/, then PUT <location>?digest= with the whole body
                          chunk   POST, PATCH --chunk-mb chunks (Content-Range + Content-Length), PUT ?digest=
                          stream  POST, one PATCH with the whole body (Content-Length), PUT ?digest= (empty)
              pull      GET the last pushed blob (sha256 checked while reading), a ranged GET of --range-mb at
                        offset size/2 (expects 206, bytes checked), median latency of 20 random 4 KiB ranges
              manifest  push a tiny OCI image (config + one layer) as tag 'bench', then HEAD and GET
                        /v2/<repo>/manifests/bench with --conc threads for --duration s each:
                        req/s, p50, p99 (ms), errors (non-2xx and I/O errors are counted, not fatal)
              tags      PUT the manifest under --tags zero-padded tags (--setup-conc workers, tags/s), then
                        median of --samples for tags/list, ?n=100, ?n=100&last=<middle tag>, and a full Link walk
              catalog   create --repos repositories (cross-repo mount of both blobs + PUT manifest; repos/s), then
                        _catalog?n=100 latency and full Link walks with n=100 and n=1000

            Options (--name value or --name=value):
              --url URL            registry base URL                        (default http://127.0.0.1:5000)
              --user U --password P  HTTP Basic credentials, sent on every request
              --token T            bearer token, sent as Authorization: Bearer T (wins over --user)
              --size-mb N          blob size, MiB                           (default 1024)
              --chunk-mb N         PATCH chunk size for 'chunk', MiB        (default 64)
              --range-mb N         ranged GET length, MiB                   (default 64)
              --runs N             repetitions of each blob measurement and of each Link walk (default 3)
              --conc LIST          manifest load concurrency levels         (default 16,64)
              --duration S         seconds per manifest load run            (default 20)
              --warmup S           seconds of HEAD and of GET load before the manifest runs, not
                                   reported (both JVMs, the client's too, compile meanwhile) (default 5)
              --tags N             tags to push                             (default 10000)
              --repos N            repositories to create                   (default 2000)
              --setup-conc N       parallel workers for tag/repo creation   (default 8)
              --samples N          requests per latency median              (default 10)
              --pid P              PID of the registry server on this host: adds server CPU s/GiB (blob
                                   phases), CPU µs/request (manifest, tags, repos) and peak RSS (VmHWM)
              --only LIST          phases to run                            (default all)
              --repo-prefix P      repository name prefix                   (default bench/<yyyyMMdd-HHmmss>)
              --help               this text

            Output: progress on stderr (one line per step, every second during long steps), then on stdout a
            readable summary and, last, one line 'RESULT key=value ...' (medians; MiB = 2^20 bytes).
            Exit status: 0 done, 1 the registry answered unexpectedly (status and body are printed), 2 bad options.
            Example (quick smoke test):
              java src/bench/java/io/berth/bench/RegistryBench.java --url http://127.0.0.1:5000 --size-mb 16 \\
                --chunk-mb 4 --range-mb 2 --duration 2 --tags 50 --repos 20 --runs 1 --samples 2
            """;

    static final String OCTET = "application/octet-stream";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    /** What docker/containerd/skopeo send when resolving a tag. */
    static final String MANIFEST_ACCEPT = String.join(", ", OCI_MANIFEST,
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    static final long MiB = 1L << 20;
    static final long GiB = 1L << 30;
    static final long START = System.nanoTime();
    static final Duration SMALL_TIMEOUT = Duration.ofSeconds(60);
    /** Only a guard against a stalled server: Java's timeout runs until the response headers, i.e. the whole upload. */
    static final Duration BLOB_TIMEOUT = Duration.ofMinutes(30);

    private final Options opt;
    private final RegistryClient reg;
    private final ProcStats server;
    private final ProcStats self = new ProcStats(ProcessHandle.current().pid());
    private final Report report = new Report();
    /** Differs per invocation, so blobs of an earlier run (still in the registry) are never re-used. */
    private final long baseSeed = System.nanoTime() * 0x9E3779B97F4A7C15L ^ System.currentTimeMillis();
    private int blobCounter;
    private final List<Double> hashRates = new ArrayList<>();
    private TinyImage image;
    private Blob lastBlob;
    private String lastBlobRepo;

    RegistryBench(Options opt) {
        this.opt = opt;
        this.reg = new RegistryClient(opt, report);
        this.server = new ProcStats(opt.pid());
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
        RegistryBench bench = new RegistryBench(opt);
        int rc = 0;
        try {
            bench.run();
        } catch (RegistryError e) {
            System.err.println("FAILED: " + e.getMessage());
            rc = 1;
        } catch (RuntimeException e) {
            e.printStackTrace();
            rc = 1;
        }
        bench.report.print(opt, rc == 0);
        System.exit(rc); // HttpClient and pool threads must not keep the JVM alive
    }

    // ------------------------------------------------------------------------------------------------ phases

    void run() {
        reg.checkV2();
        log("registry " + opt.url() + " answers /v2/; repository prefix " + opt.repoPrefix()
                + (opt.pid() > 0 ? "; server pid " + opt.pid() : ""));
        report.put("size_mb", opt.sizeMb());
        if (opt.runs("blob")) phase("blob", this::blobPush);
        if (opt.runs("pull")) phase("pull", this::blobPull);
        if (opt.runs("manifest")) phase("manifest", this::manifestLoad);
        if (opt.runs("tags")) phase("tags", this::tags);
        if (opt.runs("catalog")) phase("catalog", this::catalog);
        ProcSample end = server.sample();
        if (end != null) {
            report.section("server process " + opt.pid());
            report.line("peak RSS (VmHWM) %d MiB, RSS now %d MiB, CPU used during the bench %.2f s",
                    end.hwmKb() / 1024, end.rssKb() / 1024, server.cpuSinceStart(end));
            report.put("peak_rss_kb", end.hwmKb());
            report.put("rss_kb", end.rssKb());
        }
    }

    /** Runs one phase, logging the server's CPU and RSS before/after it. */
    private void phase(String name, Runnable body) {
        log("=== phase " + name);
        ProcSample before = server.sample();
        long t0 = System.nanoTime();
        body.run();
        ProcSample after = server.sample();
        String cost = before == null ? "" : String.format(Locale.ROOT, "; server CPU %.2f s, RSS %d -> %d MiB, VmHWM %d MiB",
                ProcStats.cpuSeconds(before, after), before.rssKb() / 1024, after.rssKb() / 1024, after.hwmKb() / 1024);
        log(String.format(Locale.ROOT, "=== phase %s done in %.1f s%s", name, secondsSince(t0), cost));
    }

    // ---- 1. blob push

    private void blobPush() {
        String repo = repo("blob");
        long size = opt.sizeMb() * MiB;
        report.section(String.format(Locale.ROOT, "blob push: %d MiB, %d run(s) per mode, a new blob each run, repo %s",
                opt.sizeMb(), opt.runs(), repo));
        for (UploadMode mode : UploadMode.values()) {
            List<BlobRun> runs = new ArrayList<>();
            for (int run = 1; run <= opt.runs(); run++) {
                Blob blob = newBlob(size);
                BlobRun r = timedUpload(mode, run, repo, blob);
                reg.verifyBlobHead(repo, blob);
                log(String.format(Locale.ROOT, "%s run %d: %.2f s, %.1f MiB/s%s", mode.key, run, r.seconds(), r.mibps(),
                        r.serverCpuS() == null ? "" : String.format(Locale.ROOT, ", server CPU %.2f s/GiB", r.cpuPerGiB())));
                runs.add(r);
                lastBlob = blob;
                lastBlobRepo = repo;
            }
            summarizeUploads(mode, runs);
        }
        report.line("client generate+sha256 pass: %.1f MiB/s (ceiling of this client for the pull check)", median(hashRates));
        report.put("client_sha256_mibps", median(hashRates));
    }

    /** A blob with a seed never used before, hashed in one pass (outside any timing). */
    private Blob newBlob(long size) {
        long seed = baseSeed + (++blobCounter) * 0xD1B54A32D192ED03L;
        long t0 = System.nanoTime();
        Blob blob = Blob.generate(seed, size);
        double rate = size / (double) MiB / secondsSince(t0);
        hashRates.add(rate);
        log(String.format(Locale.ROOT, "blob %s (%d MiB) hashed at %.0f MiB/s", blob.digest(), size / MiB, rate));
        return blob;
    }

    private BlobRun timedUpload(UploadMode mode, int run, String repo, Blob blob) {
        LongAdder sent = new LongAdder();
        ProcSample before = server.sample();
        long t0 = System.nanoTime();
        try (Ticker t = Ticker.counting(mode.key + " run " + run, sent::sum, "MiB", MiB, null)) {
            switch (mode) {
                case MONO -> reg.uploadMonolithic(repo, blob, sent);
                case CHUNK -> reg.uploadChunked(repo, blob, opt.chunkMb() * MiB, sent);
                case STREAM -> reg.uploadStreamed(repo, blob, sent);
            }
        }
        double secs = secondsSince(t0);
        return new BlobRun(mode.key, run, blob.size(), secs, ProcStats.cpuSeconds(before, server.sample()));
    }

    private void summarizeUploads(UploadMode mode, List<BlobRun> runs) {
        double mibps = median(runs.stream().map(BlobRun::mibps).toList());
        Double cpu = medianOrNull(runs.stream().map(BlobRun::cpuPerGiB).toList());
        report.line("%-6s %8.1f MiB/s median  runs %s%s   (%s)", mode.key, mibps,
                runs.stream().map(r -> fmt1(r.mibps())).toList(), cpuText(cpu, "s/GiB"), mode.description);
        report.put(mode.key + "_mibps", mibps);
        if (mode == UploadMode.CHUNK) report.put("chunk_mb", opt.chunkMb());
        report.put(mode.key + "_cpu_s_per_gib", cpu);
    }

    // ---- 2. blob pull

    private void blobPull() {
        Blob blob = lastBlob;
        String repo = lastBlobRepo;
        if (blob == null) { // pull alone: push one blob first, untimed
            repo = repo("blob");
            blob = newBlob(opt.sizeMb() * MiB);
            log("pull: pushing a blob to pull (untimed)");
            reg.uploadStreamed(repo, blob, new LongAdder());
        }
        report.section(String.format(Locale.ROOT, "blob pull: %s (%d MiB) from %s", blob.digest(), blob.size() / MiB, repo));
        fullGets(repo, blob);
        rangedGets(repo, blob);
        smallRanges(repo, blob);
    }

    private void fullGets(String repo, Blob blob) {
        List<BlobRun> runs = new ArrayList<>();
        for (int run = 1; run <= opt.runs(); run++) {
            LongAdder received = new LongAdder();
            ProcSample before = server.sample();
            long t0 = System.nanoTime();
            try (Ticker t = Ticker.counting("get run " + run, received::sum, "MiB", MiB, null)) {
                reg.getAndVerify(repo, blob, received);
            }
            BlobRun r = new BlobRun("get", run, blob.size(), secondsSince(t0), ProcStats.cpuSeconds(before, server.sample()));
            log(String.format(Locale.ROOT, "get run %d: %.2f s, %.1f MiB/s, sha256 ok", run, r.seconds(), r.mibps()));
            runs.add(r);
        }
        double mibps = median(runs.stream().map(BlobRun::mibps).toList());
        Double cpu = medianOrNull(runs.stream().map(BlobRun::cpuPerGiB).toList());
        report.line("GET    %8.1f MiB/s median  runs %s%s   (sha256 verified while reading)", mibps,
                runs.stream().map(r -> fmt1(r.mibps())).toList(), cpuText(cpu, "s/GiB"));
        report.put("get_mibps", mibps);
        report.put("get_cpu_s_per_gib", cpu);
    }

    private void rangedGets(String repo, Blob blob) {
        long length = Math.min(opt.rangeMb() * MiB, blob.size());
        long offset = Math.min(blob.size() / 2, blob.size() - length);
        List<Double> rates = new ArrayList<>();
        for (int run = 1; run <= opt.runs(); run++) {
            LongAdder received = new LongAdder();
            long t0 = System.nanoTime();
            try (Ticker t = Ticker.counting("range run " + run, received::sum, "MiB", MiB, null)) {
                reg.getRangeAndVerify(repo, blob, offset, length, received);
            }
            double secs = secondsSince(t0);
            rates.add(length / (double) MiB / secs);
            log(String.format(Locale.ROOT, "range run %d: bytes %d-%d, 206, content ok, %.3f s, %.1f MiB/s",
                    run, offset, offset + length - 1, secs, rates.get(rates.size() - 1)));
        }
        report.line("range  %8.1f MiB/s median  runs %s   (%d MiB at offset %d, 206, bytes verified)",
                median(rates), rates.stream().map(RegistryBench::fmt1).toList(), length / MiB, offset);
        report.put("range_mibps", median(rates));
        report.put("range_mb", length / MiB);
    }

    private void smallRanges(String repo, Blob blob) {
        Random random = new Random(blob.seed());
        double[] ms = new double[20];
        for (int i = 0; i < ms.length; i++) {
            long offset = (long) (random.nextDouble() * (blob.size() - 4096));
            long t0 = System.nanoTime();
            reg.getRangeAndVerify(repo, blob, offset, 4096, new LongAdder());
            ms[i] = millisSince(t0);
        }
        double p50 = median(ms);
        log(String.format(Locale.ROOT, "20 random 4 KiB ranges: median %.3f ms", p50));
        report.line("4 KiB random ranges: %.3f ms median of 20 (kept-alive connection, content verified)", p50);
        report.put("range4k_ms_p50", p50);
    }

    // ---- 3. manifest load

    private void manifestLoad() {
        String repo = repo("manifest");
        TinyImage img = image();
        reg.pushImage(repo, img, "bench");
        URI uri = reg.uri("/v2/" + repo + "/manifests/bench");
        HttpRequest head = reg.request(uri).header("Accept", MANIFEST_ACCEPT).timeout(Duration.ofSeconds(30))
                .method("HEAD", BodyPublishers.noBody()).build();
        HttpRequest get = reg.request(uri).header("Accept", MANIFEST_ACCEPT).timeout(Duration.ofSeconds(30))
                .GET().build();
        reg.checkManifestResponses(head, get, img);
        warmUp(get, 200);
        // A JVM server compiles its hot paths during the first seconds of load; measure it warm, as it runs in
        // production (the same warm-up is applied to every registry).
        int firstConc = opt.conc().get(0);
        log("manifest warm-up: " + opt.warmupS() + " s of HEAD and GET load at c=" + firstConc + ", not reported");
        load("HEAD", head, firstConc, opt.warmupS());
        load("GET", get, firstConc, opt.warmupS());
        report.section(String.format(Locale.ROOT, "manifest load: %s:bench, %.0f s per run, Accept: OCI+Docker manifest/index",
                repo, opt.durationS()));
        for (String method : List.of("HEAD", "GET")) {
            for (int conc : opt.conc()) {
                LoadResult r = load(method, method.equals("HEAD") ? head : get, conc, opt.durationS());
                summarizeLoad(r);
            }
        }
    }

    /** A few hundred requests first, so the client's JIT and connections are warm when timing starts. */
    private void warmUp(HttpRequest req, int count) {
        for (int i = 0; i < count; i++) {
            HttpResponse<Void> r = reg.send(req, BodyHandlers.discarding());
            if (r.statusCode() != 200) throw new RegistryError("warm-up GET " + req.uri() + " -> HTTP " + r.statusCode());
        }
    }

    private LoadResult load(String method, HttpRequest req, int conc, double durationS) {
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1]; // written before go.countDown(), which publishes it to the workers
        ExecutorService pool = Executors.newFixedThreadPool(conc);
        List<Future<WorkerStats>> futures = new ArrayList<>();
        for (int i = 0; i < conc; i++) {
            futures.add(pool.submit(() -> {
                go.await();
                return LoadWorker.run(reg.http, req, deadline[0], done, errors);
            }));
        }
        ProcSample serverBefore = server.sample();
        ProcSample selfBefore = self.sample();
        long t0 = System.nanoTime();
        deadline[0] = t0 + (long) (durationS * 1e9);
        WorkerStats total = new WorkerStats();
        try (Ticker t = Ticker.counting(method + " c" + conc, done::sum, "req", 1, errors::sum)) {
            go.countDown();
            for (Future<WorkerStats> f : futures) total.add(join(f));
        } finally {
            pool.shutdownNow();
        }
        double secs = secondsSince(t0);
        Double serverCpu = ProcStats.cpuSeconds(serverBefore, server.sample());
        Double clientCpu = ProcStats.cpuSeconds(selfBefore, self.sample());
        return new LoadResult(method, conc, total.requests, total.errors, secs,
                total.histogram.percentileMs(50), total.histogram.percentileMs(99), total.histogram.maxMs(),
                perRequestMicros(serverCpu, total.requests), perRequestMicros(clientCpu, total.requests), total.errorKinds);
    }

    private void summarizeLoad(LoadResult r) {
        String key = r.method().toLowerCase(Locale.ROOT) + "_c" + r.conc();
        log(String.format(Locale.ROOT, "%s c%d: %.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d %s",
                r.method(), r.conc(), r.rps(), r.p50Ms(), r.p99Ms(), r.errors(), r.errorKinds().isEmpty() ? "" : r.errorKinds()));
        report.line("%-4s c%-3d %8.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms  errors %d%s%s%s", r.method(), r.conc(),
                r.rps(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.errors(), r.errorKinds().isEmpty() ? "" : " " + r.errorKinds(),
                cpuText(r.serverCpuUsPerReq(), "µs/req"),
                r.clientCpuUsPerReq() == null ? "" : String.format(Locale.ROOT, ", client CPU %.0f µs/req", r.clientCpuUsPerReq()));
        report.put(key + "_rps", r.rps());
        report.put(key + "_p50_ms", r.p50Ms());
        report.put(key + "_p99_ms", r.p99Ms());
        report.put(key + "_errors", r.errors());
        report.put(key + "_cpu_us_per_req", r.serverCpuUsPerReq());
        if (r.errors() > 0) report.note(r.method() + " c" + r.conc() + ": " + r.errors() + " errors " + r.errorKinds());
    }

    // ---- 4. tags

    private void tags() {
        String repo = repo("tags");
        int n = opt.tags();
        TinyImage img = image();
        reg.uploadImageBlobs(repo, img);
        IntFunction<String> tag = i -> "t" + zeroPad(i, String.valueOf(n).length()); // lexical order == numeric
        report.section(String.format(Locale.ROOT, "tags: %d tags in %s", n, repo));
        ProcSample before = server.sample();
        double secs = parallelFor("tags push", n, opt.setupConc(), i -> reg.putManifest(repo, tag.apply(i + 1), img));
        Double cpuUs = perRequestMicros(ProcStats.cpuSeconds(before, server.sample()), n);
        report.line("push   %8.1f tags/s (%d PUT manifest by tag, %d workers, %.1f s)%s", n / secs, n, opt.setupConc(), secs,
                cpuText(cpuUs, "µs/tag"));
        report.put("tags", n);
        report.put("tags_push_per_s", n / secs);
        report.put("tags_push_cpu_us_per_req", cpuUs);
        tagLatencies(repo, n, tag.apply(Math.max(1, n / 2)));
    }

    private void tagLatencies(String repo, int n, String middle) {
        String path = "/v2/" + repo + "/tags/list";
        Sampled full = sample("tags/list", path);
        List<String> all = jsonStrings(full.last(), "tags");
        if (all.size() != n) report.note("tags/list returned " + all.size() + " tags, expected " + n);
        reportSample("tags_full", "tags/list (full)", full, all.size() + " tags, " + full.last().body().length() + " bytes");

        Sampled first = sample("tags/list?n=100", path + "?n=100");
        List<String> page = jsonStrings(first.last(), "tags");
        if (page.size() > 100) report.note("tags/list?n=100 returned " + page.size() + " tags: n ignored");
        reportSample("tags_p100", "tags/list?n=100", first, page.size() + " tags" + linkText(first.last()));

        Sampled mid = sample("tags/list?n=100&last=" + middle, path + "?n=100&last=" + middle);
        List<String> midPage = jsonStrings(mid.last(), "tags");
        long notAfter = midPage.stream().filter(t -> t.compareTo(middle) <= 0).count();
        if (notAfter > 0) report.note("tags/list?n=100&last=" + middle + " returned " + notAfter + " tags <= " + middle + ": last ignored");
        reportSample("tags_p100_mid", "tags/list?n=100&last=" + middle, mid, midPage.size() + " tags"
                + (midPage.isEmpty() ? "" : ", first " + midPage.get(0)) + linkText(mid.last()));

        Walk walk = walks("tags walk n=100", path + "?n=100", "tags", n, null);
        if (walk.items() != n) report.note("tags Link walk saw " + walk.items() + " tags, expected " + n);
        report.line("walk   %8.1f ms  Link walk n=100: %d pages, %d tags%s", walk.seconds() * 1000, walk.pages(), walk.items(),
                walk.problems());
        report.put("tags_walk_s", walk.seconds());
        report.put("tags_walk_pages", walk.pages());
        report.put("tags_walk_count", walk.items());
    }

    // ---- 5. catalog

    private void catalog() {
        String base = repo("cat/base");
        int n = opt.repos();
        TinyImage img = image();
        reg.pushImage(base, img, "v1");
        String memberPrefix = repo("cat/r");
        IntFunction<String> name = i -> memberPrefix + zeroPad(i, String.valueOf(n).length());
        report.section(String.format(Locale.ROOT, "catalog: %d repositories %s*", n, memberPrefix));
        LongAdder fallbacks = new LongAdder();
        ProcSample before = server.sample();
        double secs = parallelFor("repos create", n, opt.setupConc(), i -> {
            String repo = name.apply(i + 1);
            if (!reg.mountOrUpload(repo, base, img.configDigest(), img.config())) fallbacks.increment();
            if (!reg.mountOrUpload(repo, base, img.layerDigest(), img.layer())) fallbacks.increment();
            reg.putManifest(repo, "v1", img);
        });
        Double cpuUs = perRequestMicros(ProcStats.cpuSeconds(before, server.sample()), n);
        if (fallbacks.sum() > 0) report.note(fallbacks.sum() + " cross-repo mounts answered 202 (blob uploaded instead)");
        report.line("create %8.1f repos/s (mount config+layer, PUT manifest; %d workers, %.1f s, %d mount fallbacks)%s",
                n / secs, opt.setupConc(), secs, fallbacks.sum(), cpuText(cpuUs, "µs/repo"));
        report.put("repos", n);
        report.put("repos_create_per_s", n / secs);
        report.put("repos_create_cpu_us_per_repo", cpuUs);
        report.put("mount_fallbacks", fallbacks.sum());
        catalogLatencies(n, memberPrefix);
    }

    private void catalogLatencies(int n, String memberPrefix) {
        Sampled first = sample("_catalog?n=100", "/v2/_catalog?n=100");
        List<String> page = jsonStrings(first.last(), "repositories");
        if (page.size() > 100) report.note("_catalog?n=100 returned " + page.size() + " repositories: n ignored");
        reportSample("cat_p100", "_catalog?n=100", first, page.size() + " repos" + linkText(first.last()));
        for (int pageSize : List.of(100, 1000)) {
            Walk walk = walks("catalog walk n=" + pageSize, "/v2/_catalog?n=" + pageSize, "repositories", -1, memberPrefix);
            if (walk.matching() < n) report.note("catalog walk n=" + pageSize + " saw " + walk.matching() + " of our " + n + " repos");
            report.line("walk   %8.1f ms  Link walk n=%d: %d pages, %d repos (%d of ours)%s", walk.seconds() * 1000, pageSize,
                    walk.pages(), walk.items(), walk.matching(), walk.problems());
            report.put("cat_walk" + pageSize + "_s", walk.seconds());
            report.put("cat_walk" + pageSize + "_pages", walk.pages());
            if (pageSize == 100) report.put("cat_repos_seen", walk.items());
        }
    }

    // ---- helpers shared by tags and catalog

    /** Runs task(0..n-1) on {@code workers} threads with a progress line every second; returns seconds. */
    private double parallelFor(String label, int n, int workers, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        LongAdder done = new LongAdder();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long t0 = System.nanoTime();
        try (Ticker t = Ticker.counting(label, done::sum, "done", 1, null)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                        try {
                            task.accept(i);
                            done.increment();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e); // the first error stops everybody
                        }
                    }
                }));
            }
            futures.forEach(RegistryBench::join);
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) throw failure.get();
        double secs = secondsSince(t0);
        log(String.format(Locale.ROOT, "%s: %d in %.2f s, %.1f/s", label, n, secs, n / secs));
        return secs;
    }

    /** --samples GETs of one path (each must answer 200); median wall time. */
    private Sampled sample(String label, String path) {
        URI uri = reg.uri(path);
        double[] ms = new double[opt.samples()];
        HttpResponse<String> last = null;
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            last = reg.expect(reg.request(uri).timeout(SMALL_TIMEOUT).GET().build(), 200);
            ms[i] = millisSince(t0);
        }
        log(String.format(Locale.ROOT, "%s: median %.2f ms of %d", label, median(ms), ms.length));
        return new Sampled(median(ms), last);
    }

    private void reportSample(String key, String label, Sampled s, String detail) {
        report.line("%8.2f ms  %s: %s", s.medianMs(), label, detail);
        report.put(key + "_ms", s.medianMs());
    }

    /** --runs Link walks from firstPath; the median time is returned with the last walk's counts. */
    private Walk walks(String label, String firstPath, String key, int expected, String matchPrefix) {
        List<Walk> all = new ArrayList<>();
        for (int run = 1; run <= opt.runs(); run++) {
            Walk w = walk(firstPath, key, expected, matchPrefix);
            log(String.format(Locale.ROOT, "%s run %d: %.3f s, %d pages, %d items", label, run, w.seconds(), w.pages(), w.items()));
            all.add(w);
        }
        Walk last = all.get(all.size() - 1);
        double secs = median(all.stream().map(Walk::seconds).toList());
        return new Walk(secs, last.pages(), last.items(), last.matching(), last.sorted(), last.duplicates());
    }

    /** Follows Link rel="next" to the end; checks the items come in strictly increasing (lexical) order. */
    private Walk walk(String firstPath, String key, int expected, String matchPrefix) {
        URI next = reg.uri(firstPath);
        Set<String> visited = new LinkedHashSet<>();
        int maxPages = 1000 + (expected > 0 ? expected : 1_000_000) / 50;
        int pages = 0, items = 0, matching = 0;
        boolean sorted = true;
        String previous = null;
        Set<String> seen = new HashSet<>();
        long t0 = System.nanoTime();
        while (next != null) {
            HttpResponse<String> r = reg.expect(reg.request(next).timeout(SMALL_TIMEOUT).GET().build(), 200);
            pages++;
            for (String item : jsonStrings(r, key)) {
                items++;
                if (matchPrefix != null && item.startsWith(matchPrefix)) matching++;
                if (previous != null && item.compareTo(previous) < 0) sorted = false;
                seen.add(item);
                previous = item;
            }
            next = reg.nextLink(r);
            if (next != null && !visited.add(next.toString())) {
                report.note("Link walk from " + firstPath + " loops at " + next);
                break;
            }
            if (pages >= maxPages) {
                report.note("Link walk from " + firstPath + " stopped after " + pages + " pages");
                break;
            }
        }
        double secs = secondsSince(t0);
        if (!sorted) report.note("Link walk of " + firstPath + ": items not in lexical order (spec: lexical)");
        if (seen.size() < items) report.note("Link walk of " + firstPath + ": " + (items - seen.size()) + " duplicate items");
        return new Walk(secs, pages, items, matching, sorted, items - seen.size());
    }

    private TinyImage image() {
        if (image == null) image = TinyImage.create(opt.repoPrefix() + " " + System.nanoTime());
        return image;
    }

    private String repo(String suffix) {
        return opt.repoPrefix() + "/" + suffix;
    }

    // ------------------------------------------------------------------------------------------------ results

    /** One timed blob transfer. serverCpuS is null without --pid. */
    record BlobRun(String mode, int run, long bytes, double seconds, Double serverCpuS) {
        double mibps() { return bytes / (double) MiB / seconds; }
        Double cpuPerGiB() { return serverCpuS == null ? null : serverCpuS * GiB / bytes; }
    }

    /** One manifest load run (one method at one concurrency). */
    record LoadResult(String method, int conc, long requests, long errors, double seconds, double p50Ms, double p99Ms,
                      double maxMs, Double serverCpuUsPerReq, Double clientCpuUsPerReq, Map<String, Long> errorKinds) {
        double rps() { return requests / seconds; }
    }

    /** Median of --samples GETs plus the last response (for counting items and Link headers). */
    record Sampled(double medianMs, HttpResponse<String> last) { }

    /** A Link-header walk: time, pages, items seen, items with our prefix, order and duplicate checks. */
    record Walk(double seconds, int pages, int items, int matching, boolean sorted, int duplicates) {
        String problems() {
            return (sorted ? "" : ", NOT in lexical order") + (duplicates == 0 ? "" : ", " + duplicates + " duplicates");
        }
    }

    /** A /proc sample of a process: resident set, its high-water mark, user+system CPU ticks. */
    record ProcSample(long rssKb, long hwmKb, long cpuTicks) { }

    enum UploadMode {
        MONO("mono", "POST + PUT ?digest= with body"),
        CHUNK("chunk", "POST + PATCH chunks with Content-Range + PUT ?digest="),
        STREAM("stream", "POST + one PATCH with the whole body + PUT ?digest=");

        final String key;
        final String description;

        UploadMode(String key, String description) {
            this.key = key;
            this.description = description;
        }
    }

    // ------------------------------------------------------------------------------------------------ options

    record Options(String url, String user, String password, String token, long sizeMb, long chunkMb, long rangeMb,
                   int runs, List<Integer> conc, double durationS, double warmupS, int tags, int repos, int setupConc, int samples,
                   long pid, Set<String> only, String repoPrefix) {

        static final List<String> PHASES = List.of("blob", "pull", "manifest", "tags", "catalog");
        static final Set<String> KEYS = Set.of("url", "user", "password", "token", "size-mb", "chunk-mb", "range-mb",
                "runs", "conc", "duration", "warmup", "tags", "repos", "setup-conc", "samples", "pid", "only", "repo-prefix");

        boolean runs(String phase) { return only.contains(phase); }

        /** Parses --name value / --name=value; returns null for --help. */
        static Options parse(String[] args) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) return null;
                if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
                String key = a.substring(2), value;
                int eq = key.indexOf('=');
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
            Set<String> only = new LinkedHashSet<>();
            for (String p : m.getOrDefault("only", String.join(",", PHASES)).split(",")) {
                if (!PHASES.contains(p.trim())) throw new IllegalArgumentException("unknown phase '" + p + "' in --only");
                only.add(p.trim());
            }
            List<Integer> conc = new ArrayList<>();
            for (String c : m.getOrDefault("conc", "16,64").split(",")) conc.add((int) positive("conc", c.trim()));
            long pid = m.containsKey("pid") ? positive("pid", m.get("pid")) : 0;
            if (pid > 0 && !Files.isReadable(Path.of("/proc/" + pid + "/stat"))) {
                throw new IllegalArgumentException("--pid " + pid + ": no such process on this host");
            }
            if (m.containsKey("password") && !m.containsKey("user")) throw new IllegalArgumentException("--password without --user");
            double duration = Double.parseDouble(m.getOrDefault("duration", "20"));
            if (!(duration > 0)) throw new IllegalArgumentException("--duration must be > 0");
            double warmup = Double.parseDouble(m.getOrDefault("warmup", "5"));
            if (!(warmup >= 0)) throw new IllegalArgumentException("--warmup must be >= 0");
            String url = m.getOrDefault("url", "http://127.0.0.1:5000").replaceAll("/+$", "");
            if (!url.matches("https?://.+")) throw new IllegalArgumentException("--url must start with http:// or https://");
            String prefix = m.getOrDefault("repo-prefix",
                    "bench/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            return new Options(url, m.get("user"), m.getOrDefault("password", ""), m.get("token"),
                    positive("size-mb", m.getOrDefault("size-mb", "1024")),
                    positive("chunk-mb", m.getOrDefault("chunk-mb", "64")),
                    positive("range-mb", m.getOrDefault("range-mb", "64")),
                    (int) positive("runs", m.getOrDefault("runs", "3")), List.copyOf(conc), duration, warmup,
                    (int) positive("tags", m.getOrDefault("tags", "10000")),
                    (int) positive("repos", m.getOrDefault("repos", "2000")),
                    (int) positive("setup-conc", m.getOrDefault("setup-conc", "8")),
                    (int) positive("samples", m.getOrDefault("samples", "10")),
                    pid, only, prefix.replaceAll("/+$", ""));
        }

        private static long positive(String name, String value) {
            try {
                long v = Long.parseLong(value);
                if (v > 0) return v;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("--" + name + " must be a positive integer, got '" + value + "'");
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    /** The registry API calls the bench needs; every request carries the credentials. */
    static final class RegistryClient {
        private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;[^,]*?rel=\"?next\"?");
        final HttpClient http;
        private final String baseUrl;
        private final URI base; // with a trailing slash, so relative Links resolve below it
        private final String auth;
        private final Report report;

        RegistryClient(Options o, Report report) {
            this.baseUrl = o.url();
            this.base = URI.create(o.url() + "/");
            this.report = report;
            if (o.token() != null) {
                auth = "Bearer " + o.token();
            } else if (o.user() != null) {
                auth = "Basic " + Base64.getEncoder().encodeToString((o.user() + ":" + o.password()).getBytes(StandardCharsets.UTF_8));
            } else {
                auth = null;
            }
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NORMAL) // blob GETs may redirect to storage
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        }

        URI uri(String path) { return URI.create(baseUrl + path); }

        HttpRequest.Builder request(URI uri) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", "berth-registry-bench/1");
            if (auth != null) b.header("Authorization", auth);
            return b;
        }

        <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> handler) {
            try {
                return http.send(r, handler);
            } catch (IOException e) {
                throw new RegistryError(r.method() + " " + r.uri() + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryError(r.method() + " " + r.uri() + " interrupted");
            }
        }

        /** Sends; a non-2xx is fatal, a 2xx other than the one the spec prescribes is noted. */
        HttpResponse<String> expect(HttpRequest r, int want) {
            HttpResponse<String> resp = send(r, BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) throw RegistryError.unexpected(resp, resp.body(), want);
            if (resp.statusCode() != want) {
                report.note(r.method() + " " + kind(r.uri()) + " answered " + resp.statusCode() + ", spec says " + want);
            }
            return resp;
        }

        void checkV2() {
            HttpResponse<String> r = send(request(uri("/v2/")).timeout(SMALL_TIMEOUT).GET().build(), BodyHandlers.ofString());
            if (r.statusCode() == 401) {
                throw new RegistryError("GET /v2/ -> 401: credentials needed or wrong (--user/--password or --token); "
                        + "WWW-Authenticate: " + r.headers().firstValue("WWW-Authenticate").orElse("-"));
            }
            if (r.statusCode() != 200) throw RegistryError.unexpected(r, r.body(), 200);
        }

        // ---- uploads

        URI startUpload(String repo) {
            HttpResponse<String> r = expect(request(uri("/v2/" + repo + "/blobs/uploads/")).timeout(SMALL_TIMEOUT)
                    .POST(BodyPublishers.noBody()).build(), 202);
            return location(r);
        }

        void uploadMonolithic(String repo, Blob blob, LongAdder sent) {
            URI loc = startUpload(repo);
            HttpRequest put = request(withQuery(loc, "digest=" + blob.digest())).timeout(BLOB_TIMEOUT)
                    .header("Content-Type", OCTET).PUT(blob.publisher(0, blob.size(), sent)).build();
            checkDigestHeader(expect(put, 201), blob.digest());
        }

        void uploadChunked(String repo, Blob blob, long chunk, LongAdder sent) {
            URI loc = startUpload(repo);
            for (long off = 0; off < blob.size(); off += chunk) {
                long len = Math.min(chunk, blob.size() - off);
                HttpRequest patch = request(loc).timeout(BLOB_TIMEOUT).header("Content-Type", OCTET)
                        .header("Content-Range", off + "-" + (off + len - 1))
                        .method("PATCH", blob.publisher(off, len, sent)).build();
                HttpResponse<String> r = expect(patch, 202);
                checkRangeHeader(r, off + len);
                loc = location(r);
            }
            finishUpload(loc, blob);
        }

        void uploadStreamed(String repo, Blob blob, LongAdder sent) {
            URI loc = startUpload(repo);
            HttpRequest patch = request(loc).timeout(BLOB_TIMEOUT).header("Content-Type", OCTET)
                    .method("PATCH", blob.publisher(0, blob.size(), sent)).build();
            HttpResponse<String> r = expect(patch, 202);
            checkRangeHeader(r, blob.size());
            finishUpload(location(r), blob);
        }

        /** PUT ?digest= with an empty body closes an upload whose bytes were PATCHed. */
        private void finishUpload(URI loc, Blob blob) {
            HttpRequest put = request(withQuery(loc, "digest=" + blob.digest())).timeout(SMALL_TIMEOUT)
                    .PUT(BodyPublishers.noBody()).build();
            checkDigestHeader(expect(put, 201), blob.digest());
        }

        /** Small blobs (config, layer) in one POST + PUT. */
        void uploadBytes(String repo, byte[] data, String digest) {
            URI loc = startUpload(repo);
            finishUploadWithBody(loc, data, digest);
        }

        private void finishUploadWithBody(URI loc, byte[] data, String digest) {
            HttpRequest put = request(withQuery(loc, "digest=" + digest)).timeout(SMALL_TIMEOUT)
                    .header("Content-Type", OCTET).PUT(BodyPublishers.ofByteArray(data)).build();
            checkDigestHeader(expect(put, 201), digest);
        }

        /** Cross-repo mount; true when mounted (201), false when the registry opened an upload (202) instead. */
        boolean mountOrUpload(String repo, String from, String digest, byte[] data) {
            URI uri = uri("/v2/" + repo + "/blobs/uploads/?mount=" + digest + "&from=" + from);
            HttpRequest post = request(uri).timeout(SMALL_TIMEOUT).POST(BodyPublishers.noBody()).build();
            HttpResponse<String> r = send(post, BodyHandlers.ofString());
            if (r.statusCode() == 201) return true;
            if (r.statusCode() != 202) throw RegistryError.unexpected(r, r.body(), 201);
            finishUploadWithBody(location(r), data, digest);
            return false;
        }

        void verifyBlobHead(String repo, Blob blob) {
            HttpResponse<String> r = expect(request(uri("/v2/" + repo + "/blobs/" + blob.digest())).timeout(SMALL_TIMEOUT)
                    .method("HEAD", BodyPublishers.noBody()).build(), 200);
            long len = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (len != blob.size()) throw new RegistryError("HEAD blob " + blob.digest() + ": Content-Length " + len + " != " + blob.size());
        }

        // ---- downloads

        /** Full GET, sha256 computed while reading; never buffers the body. */
        void getAndVerify(String repo, Blob blob, LongAdder received) {
            HttpResponse<InputStream> r = openBlob(repo, blob, null, 200);
            MessageDigest md = sha256();
            byte[] buf = new byte[256 * 1024];
            long total = 0;
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    total += n;
                    received.add(n);
                }
            } catch (IOException e) {
                throw new RegistryError("GET blob " + blob.digest() + " failed after " + total + " bytes: " + e);
            }
            String got = "sha256:" + HexFormat.of().formatHex(md.digest());
            if (total != blob.size() || !got.equals(blob.digest())) {
                throw new RegistryError("GET blob: got " + total + " bytes " + got + ", expected " + blob.size() + " bytes " + blob.digest());
            }
        }

        /** Ranged GET (206 expected); every byte compared with the generator's bytes at that offset. */
        void getRangeAndVerify(String repo, Blob blob, long offset, long length, LongAdder received) {
            long end = offset + length - 1;
            HttpResponse<InputStream> r = openBlob(repo, blob, "bytes=" + offset + "-" + end, 206);
            String contentRange = r.headers().firstValue("Content-Range").orElse("");
            if (!contentRange.equals("bytes " + offset + "-" + end + "/" + blob.size())) {
                report.note("ranged GET: Content-Range '" + contentRange + "', expected 'bytes " + offset + "-" + end + "/" + blob.size() + "'");
            }
            byte[] buf = new byte[256 * 1024];
            byte[] want = new byte[buf.length];
            long total = 0;
            try (InputStream in = r.body(); InputStream expected = blob.open(offset, length)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (total + n > length) throw new RegistryError("ranged GET returned more than " + length + " bytes");
                    expected.readNBytes(want, 0, n);
                    int mismatch = Arrays.mismatch(buf, 0, n, want, 0, n);
                    if (mismatch >= 0) throw new RegistryError("ranged GET: wrong byte at blob offset " + (offset + total + mismatch));
                    total += n;
                    received.add(n);
                }
            } catch (IOException e) {
                throw new RegistryError("ranged GET failed after " + total + " bytes: " + e);
            }
            if (total != length) throw new RegistryError("ranged GET returned " + total + " bytes, expected " + length);
        }

        private HttpResponse<InputStream> openBlob(String repo, Blob blob, String range, int want) {
            HttpRequest.Builder b = request(uri("/v2/" + repo + "/blobs/" + blob.digest())).timeout(BLOB_TIMEOUT).GET();
            if (range != null) b.header("Range", range);
            HttpResponse<InputStream> r = send(b.build(), BodyHandlers.ofInputStream());
            if (r.statusCode() != want) {
                String body;
                try (InputStream in = r.body()) {
                    body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    body = "(unreadable: " + e + ")";
                }
                throw RegistryError.unexpected(r, body, want);
            }
            return r;
        }

        // ---- manifests

        void uploadImageBlobs(String repo, TinyImage img) {
            uploadBytes(repo, img.config(), img.configDigest());
            uploadBytes(repo, img.layer(), img.layerDigest());
        }

        void pushImage(String repo, TinyImage img, String tag) {
            uploadImageBlobs(repo, img);
            putManifest(repo, tag, img);
        }

        void putManifest(String repo, String reference, TinyImage img) {
            HttpRequest put = request(uri("/v2/" + repo + "/manifests/" + reference)).timeout(SMALL_TIMEOUT)
                    .header("Content-Type", OCI_MANIFEST).PUT(BodyPublishers.ofByteArray(img.manifest())).build();
            checkDigestHeader(expect(put, 201), img.manifestDigest());
        }

        /** Before the load: both requests answer 200 with the right digest, type, length and body. */
        void checkManifestResponses(HttpRequest head, HttpRequest get, TinyImage img) {
            HttpResponse<String> h = expect(head, 200);
            HttpResponse<String> g = expect(get, 200);
            checkDigestHeader(h, img.manifestDigest());
            checkDigestHeader(g, img.manifestDigest());
            String type = g.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith(OCI_MANIFEST)) report.note("manifest GET Content-Type '" + type + "', pushed as " + OCI_MANIFEST);
            if (!Arrays.equals(g.body().getBytes(StandardCharsets.UTF_8), img.manifest())) {
                report.note("manifest GET body differs from the pushed bytes");
            }
            long len = h.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (len != img.manifest().length) {
                report.note("manifest HEAD Content-Length " + len + ", manifest is " + img.manifest().length + " bytes");
            }
        }

        // ---- headers

        /** Location may be absolute, absolute-path or relative: resolve it against the request's URI. */
        URI location(HttpResponse<?> r) {
            String loc = r.headers().firstValue("Location").orElseThrow(() ->
                    RegistryError.unexpected(r, "(no Location header)", r.statusCode()));
            return r.request().uri().resolve(loc);
        }

        /** Link: <path?n=..&last=..>; rel="next" — the path may be relative: resolve it against the base URL. */
        URI nextLink(HttpResponse<?> r) {
            for (String value : r.headers().allValues("Link")) {
                Matcher m = LINK_NEXT.matcher(value);
                if (m.find()) return base.resolve(m.group(1));
            }
            return null;
        }

        private void checkDigestHeader(HttpResponse<?> r, String digest) {
            String got = r.headers().firstValue("Docker-Content-Digest").orElse(null);
            if (got == null) {
                report.note(r.request().method() + " " + kind(r.request().uri()) + ": no Docker-Content-Digest header");
            } else if (!got.equals(digest)) {
                throw new RegistryError(r.request().method() + " " + r.request().uri() + ": Docker-Content-Digest " + got + " != " + digest);
            }
        }

        /** PATCH answers carry Range: 0-<last byte received>. */
        private void checkRangeHeader(HttpResponse<?> r, long received) {
            String range = r.headers().firstValue("Range").orElse("");
            if (!range.equals("0-" + (received - 1))) {
                report.note("PATCH answered Range '" + range + "' after " + received + " bytes, expected '0-" + (received - 1) + "'");
            }
        }

        private static URI withQuery(URI uri, String query) {
            String s = uri.toString();
            return URI.create(s + (s.contains("?") ? "&" : "?") + query);
        }

        /** "manifests request" style description, so a note is the same for every tag or repo. */
        private static String kind(URI uri) {
            String p = uri.getPath();
            for (String k : List.of("/manifests/", "/blobs/uploads/", "/blobs/")) if (p.contains(k)) return k.replace("/", "") + " request";
            return p;
        }

    }

    /** The registry answered something the bench cannot go on with. */
    static final class RegistryError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RegistryError(String message) {
            super(message);
        }

        static RegistryError unexpected(HttpResponse<?> r, String body, int want) {
            return new RegistryError(String.format(Locale.ROOT, "%s %s -> HTTP %d (expected %d)%n  body: %s",
                    r.request().method(), r.request().uri(), r.statusCode(), want, abbreviate(body, 2000)));
        }
    }

    // ------------------------------------------------------------------------------------------------ load

    /** One load thread: synchronous requests in a loop until the deadline. */
    static final class LoadWorker {
        static WorkerStats run(HttpClient http, HttpRequest req, long deadline, LongAdder done, LongAdder errors) {
            WorkerStats stats = new WorkerStats();
            while (System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                String error = null;
                try {
                    int status = http.send(req, BodyHandlers.discarding()).statusCode();
                    if (status / 100 != 2) error = "HTTP " + status;
                } catch (IOException e) {
                    error = e.getClass().getSimpleName();
                    pause(10); // a refused connection must not turn into a busy loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                stats.record(System.nanoTime() - t0, error);
                done.increment();
                if (error != null) errors.increment();
            }
            return stats;
        }
    }

    /** Per-thread counters and latency histogram; merged after the threads are joined. */
    static final class WorkerStats {
        final LatencyHistogram histogram = new LatencyHistogram();
        final Map<String, Long> errorKinds = new TreeMap<>();
        long requests;
        long errors;

        void record(long nanos, String error) {
            histogram.record(nanos);
            requests++;
            if (error != null) {
                errors++;
                errorKinds.merge(error, 1L, Long::sum);
            }
        }

        void add(WorkerStats o) {
            histogram.add(o.histogram);
            requests += o.requests;
            errors += o.errors;
            o.errorKinds.forEach((k, v) -> errorKinds.merge(k, v, Long::sum));
        }
    }

    /**
     * HdrHistogram-like log-linear histogram of microseconds: exact below 128 µs, then 64 buckets per power of two
     * (at most 1.6 % error). Fixed 32 KiB per thread whatever the request count.
     */
    static final class LatencyHistogram {
        private static final int SUB_BITS = 6;
        private static final int SUB = 1 << SUB_BITS;
        private final long[] counts = new long[SUB * 64];
        private long total;
        private long maxMicros;

        void record(long nanos) {
            long us = Math.max(0, nanos / 1000);
            counts[index(us)]++;
            total++;
            maxMicros = Math.max(maxMicros, us);
        }

        static int index(long us) {
            if (us < 2 * SUB) return (int) us;
            int shift = 63 - Long.numberOfLeadingZeros(us) - SUB_BITS;
            return shift * SUB + (int) (us >>> shift);
        }

        /** Middle of the bucket's value range, in µs. */
        static double midpoint(int index) {
            if (index < 2 * SUB) return index + 0.5;
            int shift = index / SUB - 1;
            long lower = (long) (index - shift * SUB) << shift;
            return lower + (1L << shift) / 2.0;
        }

        double percentileMs(double p) {
            if (total == 0) return Double.NaN;
            long rank = Math.max(1, (long) Math.ceil(p / 100 * total));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) return midpoint(i) / 1000;
            }
            return maxMicros / 1000.0;
        }

        double maxMs() { return maxMicros / 1000.0; }

        void add(LatencyHistogram o) {
            for (int i = 0; i < counts.length; i++) counts[i] += o.counts[i];
            total += o.total;
            maxMicros = Math.max(maxMicros, o.maxMicros);
        }
    }

    // ------------------------------------------------------------------------------------------------ data

    /** A pseudo-random blob defined by (seed, size); its bytes are re-generated on demand. */
    record Blob(long seed, long size, String digest) {
        static Blob generate(long seed, long size) {
            MessageDigest md = sha256();
            byte[] buf = new byte[256 * 1024];
            try (InputStream in = new PatternStream(seed, 0, size)) {
                for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Blob(seed, size, "sha256:" + HexFormat.of().formatHex(md.digest()));
        }

        InputStream open(long offset, long length) {
            return new PatternStream(seed, offset, length);
        }

        /** A body of exactly {@code length} bytes sent with Content-Length (not chunked), counted as it goes. */
        BodyPublisher publisher(long offset, long length, LongAdder sent) {
            return BodyPublishers.fromPublisher(
                    BodyPublishers.ofInputStream(() -> new CountingStream(open(offset, length), sent)), length);
        }
    }

    /**
     * Bytes of a blob: 64-bit word {@code w} is SplitMix64's output for {@code seed + w * golden}, stored little-endian.
     * Counter-based, so any offset can be produced directly (for ranged GET checks); ~GB/s, far above the network path.
     */
    static final class PatternStream extends InputStream {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        private static final int BLOCK = 64 * 1024;
        private final long seed;
        private final long end;
        private final byte[] block = new byte[BLOCK];
        private long blockStart = -1;
        private long pos;

        PatternStream(long seed, long offset, long length) {
            this.seed = seed;
            this.pos = offset;
            this.end = offset + length;
        }

        static long word(long seed, long index) {
            long z = seed + index * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= end) return -1;
            int n = (int) Math.min(len, end - pos);
            for (int copied = 0; copied < n; ) {
                long start = pos & -BLOCK;
                if (start != blockStart) fill(start);
                int inBlock = (int) (pos - start);
                int k = Math.min(n - copied, BLOCK - inBlock);
                System.arraycopy(block, inBlock, b, off + copied, k);
                copied += k;
                pos += k;
            }
            return n;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        private void fill(long start) {
            long firstWord = start >>> 3;
            for (int i = 0; i < BLOCK / 8; i++) LONGS.set(block, i * 8, word(seed, firstWord + i));
            blockStart = start;
        }
    }

    /** Counts bytes handed to the HTTP client, for the upload progress line. */
    static final class CountingStream extends FilterInputStream {
        private final LongAdder counter;

        CountingStream(InputStream in, LongAdder counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) counter.add(n);
            return n;
        }
    }

    /** A minimal valid OCI image: config JSON, one gzipped tar layer holding one file, and its manifest. */
    record TinyImage(byte[] config, String configDigest, byte[] layer, String layerDigest, byte[] manifest, String manifestDigest) {
        static TinyImage create(String marker) {
            byte[] tar = Tar.oneFile("hello.txt", ("berth registry bench " + marker + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] layer = gzip(tar);
            byte[] config = String.format(Locale.ROOT,
                    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
                    digestOf(tar)).getBytes(StandardCharsets.UTF_8);
            byte[] manifest = String.format(Locale.ROOT, "{\"schemaVersion\":2,\"mediaType\":\"%s\","
                            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%d},"
                            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%d}]}",
                    OCI_MANIFEST, digestOf(config), config.length, digestOf(layer), layer.length).getBytes(StandardCharsets.UTF_8);
            return new TinyImage(config, digestOf(config), layer, digestOf(layer), manifest, digestOf(manifest));
        }

        private static byte[] gzip(byte[] data) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    /** Just enough ustar to make a one-file layer that real tools can unpack. */
    static final class Tar {
        static byte[] oneFile(String name, byte[] data) {
            byte[] h = new byte[512];
            ascii(h, 0, name);
            octal(h, 100, 8, 0644);
            octal(h, 108, 8, 0);
            octal(h, 116, 8, 0);
            octal(h, 124, 12, data.length);
            octal(h, 136, 12, System.currentTimeMillis() / 1000);
            Arrays.fill(h, 148, 156, (byte) ' '); // checksum is computed with its own field as spaces
            h[156] = '0';
            ascii(h, 257, "ustar\0" + "00");
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            ascii(h, 148, String.format("%06o", sum));
            h[154] = 0;
            int padded = (data.length + 511) / 512 * 512;
            byte[] out = new byte[512 + padded + 1024]; // header, data, two zero blocks
            System.arraycopy(h, 0, out, 0, 512);
            System.arraycopy(data, 0, out, 512, data.length);
            return out;
        }

        private static void octal(byte[] h, int off, int len, long value) {
            ascii(h, off, String.format("%0" + (len - 1) + "o", value));
            h[off + len - 1] = 0;
        }

        private static void ascii(byte[] h, int off, String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, h, off, b.length);
        }
    }

    // ------------------------------------------------------------------------------------------------ /proc

    /** CPU and memory of a process from /proc (pid <= 0: disabled, every sample is null). */
    static final class ProcStats {
        private static final double CLOCK_TICKS = 100.0; // USER_HZ on Linux
        private final long pid;
        private ProcSample first;

        ProcStats(long pid) {
            this.pid = pid;
        }

        ProcSample sample() {
            if (pid <= 0) return null;
            try {
                long rss = 0, hwm = 0;
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) rss = kb(line);
                    if (line.startsWith("VmHWM:")) hwm = kb(line);
                }
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                // fields after the ")" closing the command name: state is [0], utime [11], stime [12]
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                ProcSample s = new ProcSample(rss, hwm, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                if (first == null) first = s;
                return s;
            } catch (IOException | RuntimeException e) {
                throw new RegistryError("cannot read /proc/" + pid + " (server gone?): " + e);
            }
        }

        double cpuSinceStart(ProcSample now) {
            return (now.cpuTicks() - first.cpuTicks()) / CLOCK_TICKS;
        }

        static Double cpuSeconds(ProcSample before, ProcSample after) {
            return before == null || after == null ? null : (after.cpuTicks() - before.cpuTicks()) / CLOCK_TICKS;
        }

        private static long kb(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }

    // ------------------------------------------------------------------------------------------------ output

    /** Prints a progress line to stderr every second while a long step runs. */
    static final class Ticker implements AutoCloseable {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-ticker");
            t.setDaemon(true);
            return t;
        });
        private final ScheduledFuture<?> task;

        private Ticker(String label, Supplier<String> status) {
            long t0 = System.nanoTime();
            task = TIMER.scheduleAtFixedRate(() -> log(String.format(Locale.ROOT, "%s  %5.1fs  %s", label, secondsSince(t0), status.get())),
                    1, 1, TimeUnit.SECONDS);
        }

        /** Total of a counter so far and its rate over the last second (scale: units per count, e.g. MiB). */
        static Ticker counting(String label, LongSupplier counter, String unit, double scale, LongSupplier errors) {
            long[] last = {0, System.nanoTime()}; // touched by the timer thread only
            return new Ticker(label, () -> {
                long now = System.nanoTime();
                long count = counter.getAsLong();
                double rate = (count - last[0]) / scale / ((now - last[1]) / 1e9);
                last[0] = count;
                last[1] = now;
                String s = String.format(Locale.ROOT, "%s %.0f, now %.1f %s/s", unit, count / scale, rate, unit);
                return errors == null ? s : s + ", errors " + errors.getAsLong();
            });
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    /** Summary lines, notes about registry behaviour, and the key=value pairs of the RESULT line. */
    static final class Report {
        private final List<String> lines = new ArrayList<>();
        private final Map<String, String> result = new LinkedHashMap<>();
        private final Set<String> notes = Collections.synchronizedSet(new LinkedHashSet<>());

        void section(String title) {
            lines.add("");
            lines.add("== " + title);
        }

        void line(String format, Object... args) {
            lines.add("  " + String.format(Locale.ROOT, format, args));
        }

        void put(String key, Object value) {
            if (value == null) return;
            result.put(key, value instanceof Double d ? number(d) : String.valueOf(value));
        }

        /** Something the registry did that deviates from the spec or from what we asked; printed once. */
        void note(String text) {
            if (notes.add(text)) log("NOTE: " + text);
        }

        void print(Options opt, boolean complete) {
            System.out.println("Registry bench of " + opt.url() + ", repositories under " + opt.repoPrefix()
                    + (complete ? "" : "  (INCOMPLETE: failed, see stderr)"));
            lines.forEach(System.out::println);
            if (!notes.isEmpty()) {
                System.out.println();
                System.out.println("== notes (registry behaviour worth a look)");
                synchronized (notes) {
                    notes.forEach(n -> System.out.println("  - " + n));
                }
            }
            if (complete) {
                StringBuilder sb = new StringBuilder("RESULT");
                result.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
                sb.append(" notes=").append(notes.size());
                System.out.println();
                System.out.println(sb);
            }
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

    static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Median of the non-null values; null when there are none (no --pid). */
    static Double medianOrNull(List<Double> values) {
        List<Double> present = values.stream().filter(v -> v != null).toList();
        return present.isEmpty() ? null : median(present);
    }

    static Double perRequestMicros(Double cpuSeconds, long requests) {
        return cpuSeconds == null || requests == 0 ? null : cpuSeconds * 1e6 / requests;
    }

    static String cpuText(Double value, String unit) {
        return value == null ? "" : String.format(Locale.ROOT, value >= 100 ? "  server CPU %.0f %s" : "  server CPU %.2f %s", value, unit);
    }

    static String fmt1(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    static String zeroPad(int i, int width) {
        return String.format("%0" + width + "d", i);
    }

    static String linkText(HttpResponse<?> r) {
        return r.headers().firstValue("Link").map(l -> ", Link " + l).orElse(", no Link");
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

    /** String items of a top-level JSON array member ("tags", "repositories"); null or absent gives empty. */
    static List<String> jsonStrings(HttpResponse<String> r, String key) {
        String json = r.body();
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*").matcher(json);
        if (!m.find() || json.startsWith("null", m.end())) return List.of();
        List<String> out = new ArrayList<>();
        try {
            int i = m.end();
            if (json.charAt(i++) != '[') throw new IllegalArgumentException("not an array");
            while (true) {
                char c = json.charAt(i++);
                if (c == ']') return out;
                if (c == ',' || Character.isWhitespace(c)) continue;
                if (c != '"') throw new IllegalArgumentException("unexpected '" + c + "'");
                StringBuilder sb = new StringBuilder();
                while ((c = json.charAt(i++)) != '"') {
                    if (c != '\\') {
                        sb.append(c);
                        continue;
                    }
                    char e = json.charAt(i++);
                    switch (e) {
                        case 'u' -> { sb.append((char) Integer.parseInt(json.substring(i, i + 4), 16)); i += 4; }
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        default -> sb.append(e);
                    }
                }
                out.add(sb.toString());
            }
        } catch (RuntimeException e) {
            throw new RegistryError("bad JSON from GET " + r.request().uri() + " (" + e.getMessage() + "): " + abbreviate(json, 300));
        }
    }

    static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryError("interrupted");
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
