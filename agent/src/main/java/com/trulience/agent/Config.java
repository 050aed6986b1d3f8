package com.trulience.agent;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import io.github.cdimascio.dotenv.DotenvException;
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
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The agent's settings, from environment variables and an optional {@code .env} file in the
 * working directory (the environment wins). Empty values count as unset.
 */
public record Config(
        Optional<URI> backendUrl,
        OptionalLong workerId,
        Optional<String> agentToken,
        Duration interval,
        Optional<String> nvmlLibrary,
        int simulatedGpus,
        Optional<Path> bufferDir,
        int bufferMaxHours,
        List<String> allowedServices) {

    static final int MAX_SIMULATED_GPUS = 64;
    static final int MAX_INTERVAL_SECS = 3600;
    static final int MAX_BUFFER_HOURS = 168;
    /** The backend's limits for the {@code services} of {@code hello}. */
    static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9@._-]{1,64}");
    static final int MAX_SERVICES = 32;

    public Config {
        allowedServices = List.copyOf(allowedServices);
    }

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
        return new Config(
                value(values, "BACKEND_WS_URL").map(Config::websocketUrl),
                value(values, "WORKER_ID").map(v -> OptionalLong.of(number("WORKER_ID", v, 1, Long.MAX_VALUE)))
                        .orElse(OptionalLong.empty()),
                value(values, "AGENT_TOKEN"),
                Duration.ofSeconds(value(values, "METRICS_INTERVAL_SECS")
                        .map(v -> number("METRICS_INTERVAL_SECS", v, 1, MAX_INTERVAL_SECS)).orElse(5L)),
                value(values, "NVML_LIBRARY"),
                (int) (long) value(values, "SIMULATE_GPUS")
                        .map(v -> number("SIMULATE_GPUS", v, 0, MAX_SIMULATED_GPUS)).orElse(0L),
                value(values, "BUFFER_DIR").map(Config::path),
                (int) (long) value(values, "BUFFER_MAX_HOURS")
                        .map(v -> number("BUFFER_MAX_HOURS", v, 1, MAX_BUFFER_HOURS)).orElse(24L),
                value(values, "ALLOWED_SERVICES").map(Config::services).orElse(List.of()));
    }

    /**
     * What sending needs besides the URL; checked at start so that a half-configured agent stops
     * with a message instead of failing to connect forever.
     */
    public Config requireLinkSettings() {
        if (backendUrl.isPresent() && (workerId.isEmpty() || agentToken.isEmpty())) {
            throw new Invalid("BACKEND_WS_URL is set, so WORKER_ID and AGENT_TOKEN must be set too: both are shown"
                    + " when the worker is registered (POST /api/v1/admin/workers).");
        }
        return this;
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new Invalid("BUFFER_DIR must be a directory path, not '" + value + "'.");
        }
    }

    private static List<String> services(String value) {
        List<String> names = Arrays.stream(value.split(",")).map(String::strip).filter(name -> !name.isEmpty()).toList();
        for (String name : names) {
            if (!SERVICE.matcher(name).matches()) {
                throw new Invalid("ALLOWED_SERVICES must be a comma-separated list of service names of 1-64 letters,"
                        + " digits, '@', '.', '_' or '-' (such as comfyui,comfyui@2), not '" + name + "'.");
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

    private static URI websocketUrl(String value) {
        try {
            var uri = new URI(value);
            if (("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new Invalid("BACKEND_WS_URL must be a ws:// or wss:// URL such as wss://monitor.example.com/ws/metrics, not '"
                + value + "'.");
    }

    /** Keeps the token out of logs. */
    @Override
    public String toString() {
        return "Config[backendUrl=" + backendUrl.map(URI::toString).orElse("unset")
                + ", workerId=" + (workerId.isPresent() ? workerId.getAsLong() : "unset")
                + ", agentToken=" + agentToken.map(t -> "***").orElse("unset")
                + ", interval=" + interval.toSeconds() + "s"
                + ", nvmlLibrary=" + nvmlLibrary.orElse("default")
                + ", simulatedGpus=" + simulatedGpus
                + ", bufferDir=" + bufferDir.map(Path::toString).orElse("default")
                + ", bufferMaxHours=" + bufferMaxHours
                + ", allowedServices=" + allowedServices + "]";
    }
}
