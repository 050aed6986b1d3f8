package com.trulience.agent.link;

import com.trulience.agent.collect.Inventory;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code hello} frame that opens every connection. Values are cleaned to what the backend
 * accepts, since a refused hello would leave the worker without its GPUs and services.
 */
public final class Hello {

    private static final JsonGeneratorFactory GENERATORS = Json.createGeneratorFactory(Map.of());
    private static final Pattern VERSION = Pattern.compile("\\p{Graph}{1,64}");
    private static final int MAX_TEXT = 96;

    private Hello() {
    }

    /**
     * The hello of the current inventory, for {@link Link#start}: the link asks for it before every send (to send
     * it again once it changed), the inventory changes only when NVML is opened again, so the text is built again
     * only then, not with every batch. For one thread, the link's.
     */
    public static Supplier<String> current(long workerId, String hostname, String agentVersion,
            Supplier<Inventory> inventory, Duration interval, List<String> services) {
        return new Supplier<>() {
            private Inventory builtFor;
            private String text;

            @Override
            public String get() {
                Inventory now = inventory.get();
                if (now != builtFor) {
                    text = json(workerId, hostname, agentVersion, now, interval, services);
                    builtFor = now;
                }
                return text;
            }
        };
    }

    public static String json(long workerId, String hostname, String agentVersion, Inventory inventory,
            Duration interval, List<String> services) {
        var out = new StringWriter(256);
        try (JsonGenerator json = GENERATORS.createGenerator(out)) {
            json.writeStartObject()
                    .write("type", "hello")
                    .write("worker_id", workerId)
                    .write("hostname", hostname)
                    .write("agent_version", version(agentVersion) == null ? "unknown" : version(agentVersion));
            String driver = version(inventory.driverVersion());
            if (driver == null) {
                json.writeNull("driver_version");
            } else {
                json.write("driver_version", driver);
            }
            json.write("metrics_interval_secs", Math.max(1, Math.min(3600, interval.toSeconds())))
                    .writeStartArray("gpus");
            for (Inventory.Gpu gpu : inventory.gpus()) {
                json.writeStartObject()
                        .write("gpu_index", gpu.index())
                        .write("name", text(gpu.name()) == null ? "unknown" : text(gpu.name()));
                String uuid = text(gpu.uuid());
                if (uuid == null) {
                    json.writeNull("uuid");
                } else {
                    json.write("uuid", uuid);
                }
                // power_limit_watts has always been the enforced limit; the second name says so for the new thresholds.
                writeNullable(json, "power_limit_watts", gpu.powerLimitWatts());
                writeNullable(json, "enforced_power_limit_watts", gpu.powerLimitWatts());
                writeNullable(json, "slowdown_temperature_celsius", gpu.limits().slowdownTemperatureCelsius());
                writeNullable(json, "shutdown_temperature_celsius", gpu.limits().shutdownTemperatureCelsius());
                writeNullable(json, "max_sm_clock_mhz", gpu.limits().maxSmClockMhz());
                json.writeEnd();
            }
            json.writeEnd().writeStartArray("services");
            services.forEach(json::write);
            json.writeEnd().writeEnd();
        }
        return out.toString();
    }

    /** Capped at 32767, since the backend refuses more (FrameParser), as it always was for power_limit_watts. */
    private static void writeNullable(JsonGenerator json, String name, Integer value) {
        if (value == null) {
            json.writeNull(name);
        } else {
            json.write(name, Math.min(value, Short.MAX_VALUE));
        }
    }

    /** This machine's name as the backend accepts it: letters, digits, '.' and '-'. */
    public static String localHostname(Map<String, String> environment) {
        String name = null;
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                name = Files.readString(kernel).strip();
            }
        } catch (IOException e) {
            // the other sources below
        }
        if (name == null || name.isEmpty()) {
            name = environment.get("COMPUTERNAME");
        }
        if (name == null || name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "";
            }
        }
        return hostname(name);
    }

    static String hostname(String raw) {
        String cleaned = raw.strip().replaceAll("[^A-Za-z0-9.-]", "-").replaceFirst("^[.-]+", "");
        cleaned = cleaned.substring(0, Math.min(253, cleaned.length()));
        return cleaned.isEmpty() ? "unknown" : cleaned;
    }

    /** 1-96 printable characters without angle brackets, or null. */
    static String text(String raw) {
        if (raw == null) {
            return null;
        }
        String cleaned = raw.strip().replaceAll("[^\\p{Print}]|[<>]", "?");
        cleaned = cleaned.substring(0, Math.min(MAX_TEXT, cleaned.length()));
        return cleaned.isEmpty() ? null : cleaned;
    }

    private static String version(String raw) {
        return raw != null && VERSION.matcher(raw).matches() ? raw : null;
    }
}
