package com.trulience.agent;

import com.sun.jna.Platform;
import com.trulience.agent.comfyui.ComfyUi;
import com.trulience.agent.comfyui.ComfyUiMonitor;
import com.trulience.agent.collect.GpuEventPayload;
import com.trulience.agent.collect.Gpus;
import com.trulience.agent.collect.MetricsLoop;
import com.trulience.agent.collect.MetricsPayload;
import com.trulience.agent.collect.SimulatedNvml;
import com.trulience.agent.link.Backoff;
import com.trulience.agent.link.Hello;
import com.trulience.agent.link.Link;
import com.trulience.agent.link.Outbox;
import com.trulience.agent.nvml.NvmlUnavailable;
import com.trulience.agent.restart.Restarter;
import com.trulience.agent.restart.ServiceControl;
import com.trulience.agent.restart.SimulatedServices;
import com.trulience.agent.restart.Systemd;
import com.trulience.agent.restart.WindowsServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

public final class Agent {

    static final int EXIT_OK = 0;
    static final int EXIT_NO_NVML = 1;
    static final int EXIT_USAGE = 2;

    static final String USAGE = """
            Usage: java -jar trulience-agent.jar [--help | --version | --once]

            Pushes the vitals of this machine's NVIDIA GPUs to the Trulience backend.
            Without an option it runs as a service, collecting every METRICS_INTERVAL_SECS.

              --help      print this text and exit
              --version   print the agent's version and exit
              --once      print one gpu_metrics frame (JSON) on standard output and exit

            Settings come from environment variables or a .env file in the working directory:
              BACKEND_WS_URL, WORKER_ID, AGENT_TOKEN, METRICS_INTERVAL_SECS (default 5),
              NVML_LIBRARY (path of libnvidia-ml.so.1 / nvml.dll), SIMULATE_GPUS (0-64),
              SIMULATE_XID (GPU:XID@SECONDS, e.g. 1:79@120; needs SIMULATE_GPUS),
              BUFFER_DIR, BUFFER_MAX_HOURS (default 24), BUFFER_MAX_BATCHES (instead of the hours),
              ALLOWED_SERVICES (default comfyui; none: no restarts),
              COMFYUI_URL (default http://127.0.0.1:8188), RESTART_WAIT_MAX_SECS (default 600),
              RESTART_VERIFY_SECS (default 120), SIMULATE_SERVICES (true: restarts are only pretended),
              ALLOWED_ACTIONS (default free_memory,restart; interrupt only when named; none: no actions),
              FREE_MEMORY_VERIFY_SECS (default 30); COMFYUI_URL set explicitly also reports ComfyUI's
              queue and VRAM with every collection,
              REPORT_PROCESS_COMMAND_LINES (default false: command lines can carry secrets)

            Exit codes: 0 done, 1 NVML unusable (--once), 2 bad option or setting.
            """;

    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
    static final Duration RESTART_POLL = Duration.ofSeconds(2);
    static final Duration SIMULATED_RESTART = Duration.ofSeconds(2);
    static final Duration ONCE_COMFYUI_BUDGET = Duration.ofSeconds(3);
    /** How often free_memory looks at the used VRAM. */
    static final Duration VRAM_POLL = Duration.ofSeconds(1);

    private Agent() {
    }

    public static void main(String[] args) {
        LogFormat.install(Level.INFO);
        String option = args.length == 1 ? args[0] : args.length == 0 ? "" : "too many options";
        switch (option) {
            case "--version" -> {
                System.out.println("trulience-agent " + version());
                return;
            }
            case "--help", "-h" -> {
                System.out.print(USAGE);
                return;
            }
            case "", "--once" -> {
                // below
            }
            default -> {
                System.err.print(USAGE);
                System.exit(EXIT_USAGE);
            }
        }
        Config config;
        try {
            config = Config.load(Path.of(System.getProperty("user.dir")), System.getenv());
            if (option.isEmpty()) {
                config.requireLinkSettings();
            }
        } catch (Config.Invalid e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (option.equals("--once")) {
            System.exit(once(config, System.out, System.err));
        }
        try {
            Running service = serve(config, Backoff.standard(), KEEP_ALIVE);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shutdown"));
        } catch (Outbox.Unusable e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_USAGE);
        }
    }

    /** One frame on {@code out}; exit code. */
    static int once(Config config, PrintStream out, PrintStream err) {
        try (Gpus gpus = open(config)) {
            // One frame by hand on a cold JVM: the HTTP client's first request may take longer than a collection's budget.
            ComfyUiMonitor monitor = config.comfyUiMonitored()
                    ? new ComfyUiMonitor(new ComfyUi(config.restart().comfyUiUrl()), ONCE_COMFYUI_BUDGET) : null;
            ComfyUiMonitor.Reading reading = monitor == null ? null : monitor.begin();
            var sample = gpus.sample();
            out.println(MetricsPayload.json(config.workerId().orElse(0), 1, sample, reading == null ? null : reading.await()));
            out.flush();
            return EXIT_OK;
        } catch (NvmlUnavailable e) {
            err.println(e.getMessage());
            return EXIT_NO_NVML;
        }
    }

    /**
     * Starts collecting, and sending when BACKEND_WS_URL is set; runs until closed (the metrics
     * thread keeps the JVM alive). {@code backoff} and {@code keepAlive} are the tests' hooks.
     */
    static Running serve(Config config, Backoff backoff, Duration keepAlive) {
        LOG.info(() -> "trulience-agent " + version() + " starting with " + config);
        config.cleartextRemoteUrls().forEach(url -> LOG.warning("BACKEND_WS_URL " + url + " is plain ws:// to another"
                + " machine: the agent token and the metrics cross the network unencrypted; use wss:// (agent/README.md)"));
        long workerId = config.workerId().orElse(0);
        if (config.backendUrls().isEmpty()) {
            LOG.warning("BACKEND_WS_URL is unset: GPU metrics are collected but not sent anywhere");
            var loop = new MetricsLoop(() -> open(config), workerId, config.interval(), frame -> LOG.fine(frame));
            loop.start();
            return new Running(loop, null, null, null, null);
        }
        Path directory = config.bufferDir().orElseGet(() -> Outbox.defaultDirectory(System.getenv(), Platform.isWindows(),
                Path.of(System.getProperty("user.home")), Files::isWritable));
        int capacity = config.bufferMaxBatches().orElseGet(() -> Outbox.capacity(config.bufferMaxHours(), config.interval()));
        var outbox = Outbox.open(directory, capacity);
        long firstSeq = outbox.lastSeq() + 1;
        LOG.info(() -> "Outbox in " + outbox.directory() + ", up to " + capacity + " batches ("
                + (config.bufferMaxBatches().isPresent() ? "BUFFER_MAX_BATCHES" : config.bufferMaxHours() + " h")
                + "); this run's first seq is " + firstSeq);
        var started = RunRecord.started(Instant.now(), firstSeq, outbox.size());
        record(started, outbox);
        var link = new Link(config.backendUrls(), config.agentToken().orElseThrow(), outbox, backoff, keepAlive);
        var comfyUi = new ComfyUi(config.restart().comfyUiUrl());
        // An event takes the next seq like a batch, so the outbox keeps, replays and dedups it the same way.
        var loop = new MetricsLoop(() -> open(config), workerId, config.interval(), outbox::nextSeq, link::submit, event -> {
            long seq = outbox.nextSeq();
            link.submit(seq, GpuEventPayload.json(seq, event));
        }, monitor(config, comfyUi));
        String hostname = Hello.localHostname(System.getenv());
        var restarter = new Restarter(config.allowedServices(), config.actions().allowed(), serviceControl(config), comfyUi,
                loop::usedVramMib, new Restarter.Timing(config.restart().waitMax(), config.restart().verify(), RESTART_POLL,
                        config.actions().freeMemoryVerify(), VRAM_POLL), link::status);
        link.start(Hello.current(workerId, hostname, version(), loop::inventory, config.interval(),
                config.allowedServices()), restarter::accept, restarter::accept);
        loop.start();
        return new Running(loop, link, outbox, restarter, started);
    }

    /** The per-collection ComfyUI reader, only where COMFYUI_URL names ComfyUI explicitly; else null. */
    static ComfyUiMonitor monitor(Config config, ComfyUi comfyUi) {
        if (!config.comfyUiMonitored()) {
            return null;
        }
        LOG.info(() -> "Reporting ComfyUI at " + comfyUi + " with every collection (COMFYUI_URL is set)");
        return new ComfyUiMonitor(comfyUi);
    }

    /** A run record that cannot be written costs the scripts their figures, never the agent its run. */
    private static void record(RunRecord record, Outbox outbox) {
        try {
            record.write(outbox.directory());
        } catch (IOException e) {
            LOG.warning(() -> "Could not write " + outbox.directory().resolve(RunRecord.FILE) + " (" + e + ")");
        }
    }

    /** The running parts; {@code link}, {@code outbox}, {@code restarter} and {@code started} are null when nothing is sent. */
    record Running(MetricsLoop loop, Link link, Outbox outbox, Restarter restarter, RunRecord started) implements AutoCloseable {
        @Override
        public void close() {
            // Collection stops first, so that every batch it made is in the outbox for the next start.
            loop.close();
            if (link != null) {
                restarter.close();
                link.close();
                stopped(System.err);
                record(accounting(Instant.now()), outbox);
                outbox.close();
            }
        }

        /** What this run collected and where it went: lets an operator (and scripts/verify-*) account for every sample. */
        void stopped(PrintStream err) {
            long batches = loop.batches();
            String seqs = batches == 0 ? "none" : "seq " + started.firstSeq() + " to " + outbox.lastSeq();
            LogFormat.atShutdown(err, LOG, "Stopped: collected " + batches + " batch(es), " + loop.gpuSamples()
                    + " GPU sample(s) since start (" + seqs + "); " + outbox.dropped() + " batch(es) dropped"
                    + " (outbox full or damaged); " + outbox.size() + " not yet acknowledged, kept in "
                    + outbox.directory() + " for the next start");
        }

        /** The figures of the stop line, as the run record. */
        RunRecord accounting(Instant stoppedAt) {
            return new RunRecord("stopped", started.pid(), started.startedAt(), stoppedAt, started.firstSeq(),
                    outbox.lastSeq(), loop.batches(), loop.gpuSamples(), outbox.dropped(), outbox.droppedAfterSending(),
                    outbox.size(),
                    started.batchesHeldAtStart(), link.connections(), link.batchesReplayed());
        }
    }

    static ServiceControl serviceControl(Config config) {
        if (config.restart().simulateServices()) {
            LOG.warning("SIMULATE_SERVICES=true: restarts are simulated (a short pause), no service is really restarted");
            return new SimulatedServices(SIMULATED_RESTART);
        }
        return Platform.isWindows() ? WindowsServices.standard(System.getenv()) : Systemd.standard();
    }

    static Gpus open(Config config) {
        Gpus gpus = config.simulatedGpus() > 0
                ? Gpus.open(new SimulatedNvml(config.simulatedGpus(), config.simulatedXids()))
                : Gpus.open(config.nvmlLibrary().orElse(null));
        return gpus.reportingCommandLines(config.reportProcessCommandLines());
    }

    public static String version() {
        try (InputStream in = Agent.class.getResourceAsStream("/trulience-agent.properties")) {
            var properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
