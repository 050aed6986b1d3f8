package com.trulience.bench;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Browser;
import com.trulience.testing.Frames;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.OutputType;

/**
 * The fleet page in real Chromium (not a test; scripts/bench-dashboard runs it): {@code --workers} simulated agents
 * x 8 GPUs at {@code --interval-ms} (AgentLoad in live mode: samples stamped when sent, {@code --changing-percent}
 * of the agents changing their readings), one probe worker whose GPU 3 runs critical, then for each count in
 * {@code --viewers} (e.g. 1,10) that many signed-in headless Chromium viewers for {@code --seconds}. Prints first
 * load time and bytes and DOM size (first viewer), bytes and messages per update and per minute, sample-to-pixel
 * p50/p95 (the sample's time to the frame drawn after its tile was patched, same clock) and the backend's CPU
 * (from /proc of {@code --backend-pid}) per viewer above the mean of a phase with no viewer before and one after them; {@code --viewer-nice N} runs the
 * viewers' browsers at niceness N for that figure. Leaves a full-page screenshot.
 */
public final class DashboardBench {

    private static final String LOAD_FIGURES = """
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            return {firstDrawnMs: fleet.stats().firstDrawnMs,
                htmlBytes: nav.transferSize, resourceBytes: resources.reduce((sum, r) => sum + r.transferSize, 0),
                documentBytes: resources.filter(r => r.name.indexOf('fleet.json') >= 0).reduce((sum, r) => sum + r.transferSize, 0),
                documentDecoded: resources.filter(r => r.name.indexOf('fleet.json') >= 0).reduce((sum, r) => sum + r.decodedBodySize, 0),
                dom: document.getElementsByTagName('*').length, tiles: document.querySelectorAll('#fleet-grid .ft').length};""";

    public static void main(String[] args) throws Exception {
        var options = AgentLoad.options(args, "url", "admin-password", "backend-pid", "screenshot");
        var base = new URL(options.get("url"));
        int workers = Integer.parseInt(options.getOrDefault("workers", "1000"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "60"));
        long intervalMs = Long.parseLong(options.getOrDefault("interval-ms", "5000"));
        int changing = Integer.parseInt(options.getOrDefault("changing-percent", "5"));
        var viewerCounts = Arrays.stream(options.getOrDefault("viewers", "1,10").split(",")).mapToInt(Integer::parseInt).toArray();
        long backendPid = Long.parseLong(options.get("backend-pid"));
        int viewerNice = Integer.parseInt(options.getOrDefault("viewer-nice", "0"));
        var admin = Api.as(base, "admin", options.get("admin-password"));

        for (int attempt = 1; ; attempt++) {  // a cold backend on a loaded machine can miss the API client's 10 s
            try {
                admin.get("api/v1/admin/workers");
                break;
            } catch (java.io.IOException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
        var probeWorker = admin.registerWorker("aaa-probe");
        var probe = AgentClient.connect(base, probeWorker.token());
        probe.send(Frames.hello(probeWorker.id(), 5, 8));
        ScheduledExecutorService probeTimer = Executors.newSingleThreadScheduledExecutor();
        var probeSeq = new java.util.concurrent.atomic.AtomicLong();
        probeTimer.scheduleAtFixedRate(() -> {
            var gpus = new ArrayList<>(Frames.gpus(8));
            gpus.set(3, Frames.IDLE.at(3).temperature(95));
            probe.send(Frames.metrics(probeWorker.id(), probeSeq.incrementAndGet(), Instant.now(), gpus, List.of()));
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
        var drain = new Thread(() -> {
            try {
                while (true) {
                    probe.next();
                }
            } catch (Throwable ignored) {
                // the probe's acks are not measured
            }
        });
        drain.setDaemon(true);
        drain.start();

        var load = AgentLoad.live(base, admin, changing);
        var connected = new CountDownLatch(1);
        int totalSeconds = seconds * (viewerCounts.length + 2) + 120 + 60 * viewerCounts.length;
        var agents = new Thread(() -> {
            try {
                load.run(workers, totalSeconds, intervalMs, connected::countDown);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "agents");
        agents.setDaemon(true);
        long registering = System.nanoTime();
        agents.start();
        connected.await();
        System.out.printf("AGENTS %d x 8 GPUs connected in %.1f s, %d %% changing, every %d ms%n", workers,
                (System.nanoTime() - registering) / 1e9, changing, intervalMs);
        Thread.sleep(Math.max(2 * intervalMs, 10_000));  // every agent has reported

        double idleCpu = cpuPercent(backendPid, seconds);
        System.out.printf("BACKEND CPU without viewers %.1f %% of a core over %d s%n", idleCpu, seconds);

        var viewerCpu = new LinkedHashMap<Integer, Double>();
        boolean screenshotTaken = false;
        for (int count : viewerCounts) {
            var viewers = new ArrayList<Browser>();
            try {
                for (int i = 0; i < count; i++) {
                    var viewer = Browser.start();
                    viewers.add(viewer);
                    viewer.viewport(1920, 1080);
                    viewer.signIn(base, "admin", options.get("admin-password"));
                    viewer.until("the tiles drawn", () -> viewer.script("return fleet.stats().firstDrawnMs;"));
                    if (i == 0) {
                        // the first load again, signed in and with a warm backend: what a viewer opening the page sees
                        viewer.open(base, "admin/fleet.xhtml");
                        viewer.until("the tiles drawn", () -> viewer.script("return fleet.stats().firstDrawnMs;"),
                                java.time.Duration.ofSeconds(60));
                        @SuppressWarnings("unchecked")
                        var first = (Map<String, Object>) viewer.script(LOAD_FIGURES);
                        System.out.printf("FIRST LOAD (%d viewer%s) %.0f ms to the drawn grid, %d bytes transferred "
                                        + "(HTML %d, fleet.json %d gzipped of %d), %d DOM elements, %d tiles%n", count,
                                count == 1 ? "" : "s", number(first.get("firstDrawnMs")), (long) number(first.get("htmlBytes"))
                                        + (long) number(first.get("resourceBytes")), (long) number(first.get("htmlBytes")),
                                (long) number(first.get("documentBytes")), (long) number(first.get("documentDecoded")),
                                (long) number(first.get("dom")), (long) number(first.get("tiles")));
                    }
                }
                if (viewerNice > 0) {
                    reniceViewers(viewerNice);
                }
                var before = new ArrayList<Map<String, Object>>();
                for (var viewer : viewers) {
                    before.add(stats(viewer));
                }
                double cpu = cpuPercent(backendPid, seconds);
                long messages = 0, bytes = 0, fetches = 0;
                var latencies = new ArrayList<Long>();
                for (int i = 0; i < viewers.size(); i++) {
                    var after = stats(viewers.get(i));
                    messages += (long) number(after.get("messages")) - (long) number(before.get(i).get("messages"));
                    bytes += (long) number(after.get("bytes")) - (long) number(before.get(i).get("bytes"));
                    fetches += (long) number(after.get("fetches")) - (long) number(before.get(i).get("fetches"));
                    @SuppressWarnings("unchecked")
                    var all = (List<Object>) after.get("latencies");
                    int from = (int) number(before.get(i).get("latencyCount"));
                    all.subList(Math.min(from, all.size()), all.size()).forEach(value -> latencies.add((long) number(value)));
                }
                long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("VIEWERS %d over %d s: %.0f updates/min per viewer, %.0f bytes per update, %.0f bytes/min per viewer, "
                                + "%d full re-reads; sample-to-pixel p50 %d ms p95 %d ms (%d tiles); backend CPU %.1f %% of a core "
                                + "(per viewer: see CPU PER VIEWER at the end)%n", count, seconds,
                        messages * 60.0 / seconds / count, messages == 0 ? 0 : (double) bytes / messages, bytes * 60.0 / seconds / count,
                        fetches, percentile(sorted, 50), percentile(sorted, 95), sorted.length, cpu);
                viewerCpu.put(count, cpu);
                if (!screenshotTaken) {
                    screenshot(viewers.get(0), Path.of(options.get("screenshot")));
                    screenshotTaken = true;
                }
            } finally {
                viewers.forEach(Browser::close);
            }
        }
        // The same load again with no viewer: a backend still warming up (JIT, caches) spends more in the first phase
        // than later, which would be counted against the viewers' phases after it.
        double idleAfter = cpuPercent(backendPid, seconds);
        double idleMean = (idleCpu + idleAfter) / 2;
        System.out.printf("BACKEND CPU without viewers again, after them: %.1f %% of a core over %d s%n", idleAfter, seconds);
        viewerCpu.forEach((count, cpu) -> System.out.printf("CPU PER VIEWER with %d viewer%s: %.1f %% of a core above the mean "
                + "%.1f %% of both phases without viewers%n", count, count == 1 ? "" : "s", (cpu - idleMean) / count, idleMean));
        System.exit(0);  // the agents' threads would keep the JVM alive
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats(Browser viewer) {
        return (Map<String, Object>) viewer.script("""
                const s = fleet.stats();
                return {messages: s.messages, bytes: s.bytes, fetches: s.fetches, latencies: s.latencies.slice(),
                    latencyCount: s.latencies.length};""");
    }

    /** The whole page at 1920 px wide: the window as tall as the document. */
    private static void screenshot(Browser viewer, Path file) throws Exception {
        long height = (long) number(viewer.script("return document.documentElement.scrollHeight;"));
        viewer.viewport(1920, (int) Math.min(height, 8000));
        Thread.sleep(500);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, viewer.driver().getScreenshotAs(OutputType.BYTES));
        System.out.printf("SCREENSHOT %s (1920x%d; the grid spans %.1f screens of 1080)%n", file, height, height / 1080.0);
        viewer.viewport(1920, 1080);
    }

    /**
     * Every process this JVM started (chromedriver and the Chromium processes under it) to niceness {@code nice}: on
     * a machine where the viewers' browsers share the backend's cores, they otherwise take CPU the backend would
     * spend, and its CPU with viewers no longer says what serving them costs. A Chromium elsewhere takes none.
     */
    private static void reniceViewers(int nice) throws Exception {
        var command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        ProcessHandle.current().descendants().forEach(process -> command.add(Long.toString(process.pid())));
        // a renderer that exited since the listing makes renice complain about that one process only
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        System.out.printf("VIEWERS' processes at nice %d (%d processes)%n", nice, command.size() - 4);
    }

    /** The backend's CPU over the next {@code seconds}, in percent of one core. */
    private static double cpuPercent(long pid, int seconds) throws Exception {
        long ticksBefore = cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long ticks = cpuTicks(pid) - ticksBefore;
        return ticks / 100.0 / ((System.nanoTime() - start) / 1e9) * 100;  // USER_HZ is 100 on Linux
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime, stime
    }

    private static long percentile(long[] sorted, int percentile) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double number(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }
}
