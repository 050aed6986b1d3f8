package com.trulience.agent;

import com.trulience.agent.collect.Gpus;
import com.trulience.agent.collect.MetricsLoop;
import com.trulience.agent.collect.MetricsPayload;
import com.trulience.agent.collect.SimulatedNvml;
import com.trulience.agent.nvml.NvmlUnavailable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
              NVML_LIBRARY (path of libnvidia-ml.so.1 / nvml.dll), SIMULATE_GPUS (0-64)

            Exit codes: 0 done, 1 NVML unusable (--once), 2 bad option or setting.
            """;

    private static final Logger LOG = Logger.getLogger(Agent.class.getName());

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
        } catch (Config.Invalid e) {
            System.err.println(e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (option.equals("--once")) {
            System.exit(once(config, System.out, System.err));
        }
        serve(config);
    }

    /** One frame on {@code out}; exit code. */
    static int once(Config config, PrintStream out, PrintStream err) {
        try (Gpus gpus = open(config)) {
            out.println(MetricsPayload.json(config.workerId().orElse(0), 1, gpus.sample()));
            out.flush();
            return EXIT_OK;
        } catch (NvmlUnavailable e) {
            err.println(e.getMessage());
            return EXIT_NO_NVML;
        }
    }

    /** Runs until the JVM is stopped; the metrics thread keeps it alive. */
    static void serve(Config config) {
        LOG.info(() -> "trulience-agent " + version() + " starting with " + config);
        // Until the WebSocket link exists the frames only go to the log.
        var loop = new MetricsLoop(() -> open(config), config.workerId().orElse(0), config.interval(),
                frame -> LOG.fine(frame));
        Runtime.getRuntime().addShutdownHook(new Thread(loop::close, "shutdown"));
        loop.start();
    }

    static Gpus open(Config config) {
        return config.simulatedGpus() > 0
                ? Gpus.open(new SimulatedNvml(config.simulatedGpus()))
                : Gpus.open(config.nvmlLibrary().orElse(null));
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
