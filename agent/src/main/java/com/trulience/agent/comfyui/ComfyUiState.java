package com.trulience.agent.comfyui;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code comfyui} object of a {@code gpu_metrics} frame (README "Protocol additions"): what the local ComfyUI
 * said in this collection. Everything taken from ComfyUI is cut to the backend's bounds here, so that the agent never
 * sends a value its FrameParser refuses: a value outside them becomes null (a device entry without a usable index
 * is left out).
 *
 * @param version null unless 1-64 characters without control or format characters
 * @param devices null when /system_stats listed none
 */
public record ComfyUiState(boolean reachable, String version, int jobsRunning, int jobsPending, String runningPromptId,
        List<Device> devices) {

    /** Torch's view of one device; the sizes in MiB, rounded down, null where not given or outside the bounds. */
    public record Device(int index, Long torchVramTotalMib, Long torchVramFreeMib) {
    }

    public static final ComfyUiState UNREACHABLE = new ComfyUiState(false, null, 0, 0, null, null);

    static final int MAX_VERSION = 64;
    static final int MAX_DEVICES = 64;
    static final long MAX_MIB = 10_000_000;
    private static final double MIB = 1024 * 1024;
    private static final BigDecimal MAX_BYTES = BigDecimal.valueOf(MAX_MIB * 1024 * 1024 + (1024 * 1024 - 1));
    private static final JsonProvider JSON = JsonProvider.provider();

    public ComfyUiState {
        devices = devices == null ? null : List.copyOf(devices);
    }

    /** From the two answers; empty when /system_stats is not a JSON object. */
    static Optional<ComfyUiState> of(QueueState queue, String systemStats) {
        if (systemStats == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(queue, JSON.createReader(new StringReader(systemStats)).readObject()));
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        } catch (RuntimeException beyondParserLimits) {
            // Parsson's guards (nesting, number length) throw plain runtime exceptions: as unreadable as bad JSON.
            return Optional.empty();
        }
    }

    private static ComfyUiState read(QueueState queue, JsonObject stats) {
        String version = stats.get("system") instanceof JsonObject system
                && system.get("comfyui_version") instanceof JsonString text && fits(text.getString()) ? text.getString() : null;
        return new ComfyUiState(true, version, queue.running(), queue.pending(), queue.runningPromptId(),
                stats.get("devices") instanceof JsonArray list ? devices(list) : null);
    }

    private static List<Device> devices(JsonArray list) {
        var devices = new ArrayList<Device>();
        Set<Integer> seen = new HashSet<>();
        for (JsonValue value : list) {
            if (devices.size() == MAX_DEVICES) {
                break;
            }
            // ComfyUI lists its CPU device with "index": null: not a GPU of this machine.
            if (value instanceof JsonObject device && device.get("index") instanceof JsonNumber number && number.isIntegral()
                    && number.bigDecimalValue().compareTo(BigDecimal.ZERO) >= 0
                    && number.bigDecimalValue().compareTo(BigDecimal.valueOf(MAX_DEVICES - 1)) <= 0
                    && seen.add(number.intValue())) {
                Long total = mib(device.get("torch_vram_total"));
                Long free = mib(device.get("torch_vram_free"));
                devices.add(new Device(number.intValue(), total, free != null && total != null && free > total ? null : free));
            }
        }
        return devices;
    }

    /**
     * Bytes to MiB, rounded down; null unless a number from 0 to 10,000,000 MiB. Compared before any arithmetic: a
     * number such as 1e999999999 is cheap to compare and ruinous to divide. Below 2^53 a double holds every byte count.
     */
    private static Long mib(JsonValue bytes) {
        if (!(bytes instanceof JsonNumber number) || number.bigDecimalValue().signum() < 0
                || number.bigDecimalValue().compareTo(MAX_BYTES) > 0) {
            return null;
        }
        return (long) Math.floor(number.bigDecimalValue().doubleValue() / MIB);
    }

    private static boolean fits(String text) {
        return !text.isEmpty() && text.length() <= MAX_VERSION
                && text.codePoints().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
    }
}
