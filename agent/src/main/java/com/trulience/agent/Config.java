package com.trulience.agent;

import com.trulience.agent.collect.SimulatedNvml;
import com.trulience.agent.restart.ActionCommand;
import com.trulience.agent.restart.ServiceName;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's settings, from environment variables and an optional {@code .env} file in the
 * working directory (the environment wins). Empty values count as unset. One piece beyond the usual
 * size: every setting is read, range-checked and refused here, so one place names each variable.
 */
public record Config(
        List<URI> backendUrls,
        OptionalLong workerId,
        Optional<String> agentToken,
        Duration interval,
        Optional<String> nvmlLibrary,
        int simulatedGpus,
        Optional<Path> bufferDir,
        int bufferMaxHours,
        OptionalInt bufferMaxBatches,
        List<String> allowedServices,
        Restart restart,
        List<SimulatedNvml.Xid> simulatedXids,
        boolean reportProcessCommandLines,
        Actions actions,
        boolean comfyUiMonitored) {

    /**
     * ALLOWED_ACTIONS (which of the backend's actions this agent carries out, restarts included) and how long
     * free_memory watches for the VRAM to fall.
     */
    public record Actions(List<String> allowed, Duration freeMemoryVerify) {

        public static final List<String> ALL = ActionCommand.KNOWN;
        /** interrupt kills the running job: it must be allowed explicitly. */
        public static final Actions DEFAULTS = new Actions(List.of("free_memory", "restart"), Duration.ofSeconds(30));

        public Actions {
            allowed = List.copyOf(allowed);
        }
    }

    /** What restarts need besides ALLOWED_SERVICES. */
    public record Restart(URI comfyUiUrl, Duration waitMax, Duration verify, boolean simulateServices) {

        public static final Restart DEFAULTS = new Restart(URI.create("http://127.0.0.1:8188/"), Duration.ofSeconds(600),
                Duration.ofSeconds(120), false);
    }

    static final int MAX_SIMULATED_GPUS = 64;
    static final int MAX_INTERVAL_SECS = 3600;
    static final int MAX_BUFFER_HOURS = 168;
    /** The most BUFFER_MAX_HOURS can mean: 168 h at 1 s. */
    static final int MAX_BUFFER_BATCHES = MAX_BUFFER_HOURS * 3600;
    /** The backend's limits for the {@code services} of {@code hello}. */
    static final int MAX_SERVICES = 32;
    /** Restarts stay possible out of the box for the one service these machines exist for. */
    static final List<String> DEFAULT_SERVICES = List.of("comfyui");
    /** ALLOWED_SERVICES=none: this agent restarts nothing (an empty value means unset, i.e. the default). */
    static final String NO_SERVICES = "none";
    static final String NO_ACTIONS = "none";
    /**
     * Upper bounds that keep a whole restart (wait + verify) under the backend's 30 minutes without a status,
     * after which it fails the restart as abandoned.
     */
    static final int MAX_WAIT_SECS = 1200;
    static final int MAX_VERIFY_SECS = 600;

    /** SIMULATE_XID entries: GPU:XID@SECONDS. */
    private static final Pattern SIMULATED_XID = Pattern.compile("(\\d{1,2}):(\\d{1,3})@(\\d{1,6})");
    static final int MAX_SIMULATED_XID_SECONDS = 604_800;

    public Config {
        backendUrls = List.copyOf(backendUrls);
        allowedServices = List.copyOf(allowedServices);
        simulatedXids = List.copyOf(simulatedXids);
    }

    static final int MAX_FREE_MEMORY_VERIFY_SECS = 600;


    /** A setting the agent refuses to start with; the message names the variable. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    public static Config load(Path workingDirectory, Map<String, String> environment) {
        var values = new HashMap<String, String>();
        try {
            Dotenv.configure().directory(workingDirectory.toString()).ignoreIfMissing().load()
                    .entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)
                    .forEach((DotenvEntry entry) -> values.put(entry.getKey(), entry.getValue()));
        } catch (DotenvException e) {
            throw new Invalid("The .env file in " + workingDirectory.toAbsolutePath() + " cannot be read: " + e.getMessage());
        }
        values.putAll(environment);
        return from(values);
    }

    static Config from(Map<String, String> values) {
        int simulatedGpus = (int) (long) value(values, "SIMULATE_GPUS")
                .map(v -> number("SIMULATE_GPUS", v, 0, MAX_SIMULATED_GPUS)).orElse(0L);
        return new Config(
                value(values, "BACKEND_WS_URL").map(Config::websocketUrls).orElse(List.of()),
                value(values, "WORKER_ID").map(v -> OptionalLong.of(number("WORKER_ID", v, 1, Long.MAX_VALUE)))
                        .orElse(OptionalLong.empty()),
                value(values, "AGENT_TOKEN"),
                Duration.ofSeconds(value(values, "METRICS_INTERVAL_SECS")
                        .map(v -> number("METRICS_INTERVAL_SECS", v, 1, MAX_INTERVAL_SECS)).orElse(5L)),
                value(values, "NVML_LIBRARY"),
                simulatedGpus,
                value(values, "BUFFER_DIR").map(Config::path),
                (int) (long) value(values, "BUFFER_MAX_HOURS")
                        .map(v -> number("BUFFER_MAX_HOURS", v, 1, MAX_BUFFER_HOURS)).orElse(24L),
                value(values, "BUFFER_MAX_BATCHES").map(v -> OptionalInt.of((int) number("BUFFER_MAX_BATCHES", v, 1,
                        MAX_BUFFER_BATCHES))).orElse(OptionalInt.empty()),
                value(values, "ALLOWED_SERVICES").map(Config::services).orElse(DEFAULT_SERVICES),
                new Restart(
                        value(values, "COMFYUI_URL").map(Config::httpUrl).orElse(Restart.DEFAULTS.comfyUiUrl()),
                        Duration.ofSeconds(value(values, "RESTART_WAIT_MAX_SECS")
                                .map(v -> number("RESTART_WAIT_MAX_SECS", v, 1, MAX_WAIT_SECS)).orElse(600L)),
                        Duration.ofSeconds(value(values, "RESTART_VERIFY_SECS")
                                .map(v -> number("RESTART_VERIFY_SECS", v, 1, MAX_VERIFY_SECS)).orElse(120L)),
                        value(values, "SIMULATE_SERVICES").map(v -> bool("SIMULATE_SERVICES", v)).orElse(false)),
                value(values, "SIMULATE_XID").map(v -> simulatedXids(v, simulatedGpus)).orElse(List.of()),
                // Off by default: command lines carry secrets (tokens, passwords in arguments).
                value(values, "REPORT_PROCESS_COMMAND_LINES").map(v -> bool("REPORT_PROCESS_COMMAND_LINES", v))
                        .orElse(false),
                new Actions(value(values, "ALLOWED_ACTIONS").map(Config::actions).orElse(Actions.DEFAULTS.allowed()),
                        Duration.ofSeconds(value(values, "FREE_MEMORY_VERIFY_SECS")
                                .map(v -> number("FREE_MEMORY_VERIFY_SECS", v, 1, MAX_FREE_MEMORY_VERIFY_SECS)).orElse(30L))),
                // The default URL serves restarts only: monitoring is asked for by naming ComfyUI's URL.
                value(values, "COMFYUI_URL").isPresent());
    }

    /** {@code free_memory,restart}; {@code none}: nothing at all (an empty value means unset, i.e. the default). */
    private static List<String> actions(String value) {
        if (value.equals(NO_ACTIONS)) {
            return List.of();
        }
        List<String> names = Arrays.stream(value.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
        for (String name : names.isEmpty() ? List.of(value) : names) {
            if (!Actions.ALL.contains(name)) {
                throw new Invalid("ALLOWED_ACTIONS must be a comma-separated list of " + String.join(", ", Actions.ALL)
                        + " (such as free_memory,restart), or none; not '" + name + "'.");
            }
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw new Invalid("ALLOWED_ACTIONS names an action twice: '" + value + "'.");
        }
        return names;
    }

    /** {@code 1:79@120,0:13@30}: GPU 1 reports Xid 79 120 s after start, GPU 0 Xid 13 after 30 s. */
    private static List<SimulatedNvml.Xid> simulatedXids(String value, int simulatedGpus) {
        if (simulatedGpus == 0) {
            throw new Invalid("SIMULATE_XID needs SIMULATE_GPUS: only simulated GPUs can be told to report an Xid.");
        }
        return Arrays.stream(value.split(",")).map(String::strip).filter(entry -> !entry.isEmpty()).map(entry -> {
            Matcher xid = SIMULATED_XID.matcher(entry);
            if (!xid.matches() || Integer.parseInt(xid.group(1)) >= simulatedGpus || Integer.parseInt(xid.group(2)) == 0
                    || Integer.parseInt(xid.group(3)) > MAX_SIMULATED_XID_SECONDS) {
                throw new Invalid("SIMULATE_XID must be comma-separated GPU:XID@SECONDS entries such as 1:79@120 (GPU 0 to "
                        + (simulatedGpus - 1) + ", Xid 1 to 999, 0 to " + MAX_SIMULATED_XID_SECONDS
                        + " seconds after start), not '" + entry + "'.");
            }
            return new SimulatedNvml.Xid(Integer.parseInt(xid.group(1)), Integer.parseInt(xid.group(2)),
                    Duration.ofSeconds(Integer.parseInt(xid.group(3))));
        }).toList();
    }

    /**
     * What sending needs besides the URL; checked at start so that a half-configured agent stops
     * with a message instead of failing to connect forever.
     */
    public Config requireLinkSettings() {
        if (!backendUrls.isEmpty() && (workerId.isEmpty() || agentToken.isEmpty())) {
            throw new Invalid("BACKEND_WS_URL is set, so WORKER_ID and AGENT_TOKEN must be set too: both are shown"
                    + " when the worker is registered (POST /api/v1/admin/workers).");
        }
        return this;
    }

    /**
     * The backend URLs over which the token would travel in clear text: ws:// to anything but this machine. Names are
     * not resolved (the answer could change); only "localhost" and loopback literals count as this machine.
     */
    public List<URI> cleartextRemoteUrls() {
        return backendUrls.stream().filter(url -> "ws".equalsIgnoreCase(url.getScheme()) && !isLoopback(url.getHost())).toList();
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (literal.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();  // a literal: no lookup
        } catch (java.net.UnknownHostException notAnAddress) {
            return false;
        }
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new Invalid("BUFFER_DIR must be a directory path, not '" + value + "'.");
        }
    }

    private static List<String> services(String value) {
        if (value.equals(NO_SERVICES)) {
            return List.of();
        }
        List<String> names = Arrays.stream(value.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
        for (String name : names) {
            if (!ServiceName.valid(name)) {
                throw new Invalid("ALLOWED_SERVICES must be a comma-separated list of service names of " + ServiceName.RULE_TEXT
                        + ", without .service (such as comfyui,comfyui@2), or none; not '" + name + "'.");
            }
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw new Invalid("ALLOWED_SERVICES names a service twice: '" + value + "'.");
        }
        if (names.size() > MAX_SERVICES) {
            throw new Invalid("ALLOWED_SERVICES may name at most " + MAX_SERVICES + " services, not " + names.size() + ".");
        }
        return names;
    }

    private static Optional<String> value(Map<String, String> values, String name) {
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static long number(String name, String value, long min, long max) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, with the allowed range
        }
        throw new Invalid(name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'.");
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new Invalid(name + " must be true or false, not '" + value + "'.");
        };
    }

    /** With a trailing slash, so that ComfyUI's paths resolve below it. */
    private static URI httpUrl(String value) {
        try {
            var uri = new URI(value.endsWith("/") ? value : value + "/");
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new Invalid("COMFYUI_URL must be an http:// or https:// URL such as http://127.0.0.1:8188, not '" + value + "'.");
    }

    /** One URL, or several backend nodes' URLs separated by commas: the link moves on to the next after a failure. */
    private static List<URI> websocketUrls(String value) {
        List<URI> urls = Arrays.stream(value.split(",")).map(String::strip).filter(url -> !url.isEmpty())
                .map(Config::websocketUrl).toList();
        if (urls.isEmpty()) {
            throw new Invalid("BACKEND_WS_URL must be one or more ws:// or wss:// URLs separated by commas, not '" + value + "'.");
        }
        if (new HashSet<>(urls).size() != urls.size()) {
            throw new Invalid("BACKEND_WS_URL names a URL twice: '" + value + "'.");
        }
        return urls;
    }

    private static URI websocketUrl(String value) {
        try {
            var uri = new URI(value);
            if (("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new Invalid("BACKEND_WS_URL must be a ws:// or wss:// URL such as wss://monitor.example.com/ws/metrics"
                + " (or several, separated by commas), not '" + value + "'.");
    }

    /** Keeps the token out of logs. */
    @Override
    public String toString() {
        return "Config[backendUrls=" + (backendUrls.isEmpty() ? "unset" : backendUrls)
                + ", workerId=" + (workerId.isPresent() ? workerId.getAsLong() : "unset")
                + ", agentToken=" + agentToken.map(t -> "***").orElse("unset")
                + ", interval=" + interval.toSeconds() + "s"
                + ", nvmlLibrary=" + nvmlLibrary.orElse("default")
                + ", simulatedGpus=" + simulatedGpus
                + (simulatedXids.isEmpty() ? "" : ", simulatedXids=" + simulatedXids.stream()
                        .map(x -> x.gpuIndex() + ":" + x.xid() + "@" + x.after().toSeconds()).toList())
                + ", bufferDir=" + bufferDir.map(Path::toString).orElse("default")
                + ", bufferMaxHours=" + bufferMaxHours
                + ", bufferMaxBatches=" + (bufferMaxBatches.isPresent() ? bufferMaxBatches.getAsInt() : "unset")
                + ", allowedServices=" + allowedServices
                + ", comfyUiUrl=" + restart.comfyUiUrl()
                + ", restartWaitMax=" + restart.waitMax().toSeconds() + "s"
                + ", restartVerify=" + restart.verify().toSeconds() + "s"
                + ", simulateServices=" + restart.simulateServices()
                + ", reportProcessCommandLines=" + reportProcessCommandLines
                + ", allowedActions=" + actions.allowed()
                + ", freeMemoryVerify=" + actions.freeMemoryVerify().toSeconds() + "s"
                + ", comfyUiMonitored=" + comfyUiMonitored + "]";
    }
}
