package com.trulience.agents.control;

import com.trulience.platform.control.JsonP;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.GpuSample;
import com.trulience.metrics.entity.Throttle;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.restarts.entity.RestartStatus;
import com.trulience.restarts.entity.StatusReport;
import com.trulience.workers.entity.Announcement;
import com.trulience.workers.entity.CardLimits;
import com.trulience.workers.entity.WorkerGpu;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads and validates the agent's frames (DESIGN.md section 2); anything off is an {@link InvalidFrame}. */
public final class FrameParser {

    public static final int MAX_GPUS = 64;
    /**
     * How far ahead of the backend's clock an agent's timestamp is taken as it is; beyond it the agent's clock is
     * fast, and the batch is stored at the time it was received (a late batch is normal: the outbox replays).
     */
    static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(30);
    /** Further ahead is not a clock that drifted or has the wrong time zone but a wrong date, or garbage: refused. */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(366);
    static final int DEFAULT_INTERVAL_SECONDS = 5;

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");
    private static final Pattern VERSION = Pattern.compile("[\\p{Graph}]{1,64}");
    private static final Pattern TEXT = Pattern.compile("[\\p{Print}&&[^<>]]{1,96}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9@._-]{1,64}");
    private static final int MAX_SERVICES = 32;
    private static final Pattern EVENT_KIND = Pattern.compile("xid|ecc_double_bit|gpu_lost");
    private static final Pattern THROTTLE_REASON = Pattern.compile(String.join("|",
            Arrays.stream(Throttle.values()).map(Throttle::wireName).toList()));
    private static final String THROTTLE_RULE = "one of " + String.join(", ",
            Arrays.stream(Throttle.values()).map(Throttle::wireName).toList());
    private static final int MAX_CLOCK_MHZ = 100_000;
    /** What an agent may report; initiated is the backend's own. */
    private static final Pattern AGENT_RESTART_STATUS = Pattern.compile("waiting_for_job|stopping|restarting|completed|failed");
    private static final Pattern AGENT_ACTION_STATUS = Pattern.compile("running|completed|failed");
    static final int MAX_ACTION_VRAM_MB = 100_000_000;
    public static final int MAX_ERROR_MESSAGE = 1000;
    private static final Pattern ERROR_MESSAGE = Pattern.compile("[^\\p{Cntrl}]{1," + MAX_ERROR_MESSAGE + "}");

    private static final JsonProvider JSON = JsonP.PROVIDER;

    private FrameParser() {
    }

    /** The text of a frame as a JSON object. */
    public static JsonObject read(String text) {
        try {
            return JSON.createReader(new StringReader(text)).readObject();
        } catch (JsonException | IllegalStateException notJsonObject) {
            throw new InvalidFrame(InvalidFrame.INVALID_JSON, null, "the frame is not a JSON object");
        } catch (RuntimeException beyondParserLimits) {
            // Parsson's guards throw plain RuntimeException (nesting deeper than 1,000), UnsupportedOperationException
            // (a number of more than 1,100 characters) and NumberFormatException (an exponent beyond int).
            throw new InvalidFrame(InvalidFrame.INVALID_JSON, null, "the frame is not a JSON object within the parser's limits: "
                    + beyondParserLimits.getMessage());
        }
    }

    /** The worker a frame says it comes from, if it names one: checked against the token before anything else. */
    public static OptionalLong claimedWorker(JsonObject json) {
        var workerId = json.get("worker_id");
        if (workerId == null) {
            return OptionalLong.empty();
        }
        if (!(workerId instanceof JsonNumber number)) {
            throw new InvalidFrame("worker_id", "must be an integer");
        }
        return OptionalLong.of(number.longValue());
    }

    /** One of hello, gpu_metrics, gpu_event, restart_status and action_status. */
    public static String type(JsonObject json) {
        String type = json.get("type") instanceof JsonString value ? value.getString() : "";
        return switch (type) {
            case "hello", "gpu_metrics", "gpu_event", "restart_status", "action_status" -> type;
            default -> throw new InvalidFrame(InvalidFrame.UNKNOWN_TYPE, "type",
                    "must be hello, gpu_metrics, gpu_event, restart_status or action_status");
        };
    }

    public static Announcement hello(JsonObject json) {
        var frame = Frame.of(json);
        long workerId = frame.requiredLong("worker_id", 1, Long.MAX_VALUE);
        var indexes = new HashSet<Integer>();
        List<WorkerGpu> gpus = frame.list("gpus", MAX_GPUS, false, element -> {
            var gpu = element.object();
            int index = gpu.requiredInt("gpu_index", 0, MAX_GPUS - 1);
            if (!indexes.add(index)) {
                throw new InvalidFrame(gpu.name("gpu_index"), "must be unique");
            }
            return new WorkerGpu((short) index, gpu.requiredString("name", TEXT, "1-96 printable characters"),
                    gpu.optionalString("uuid", TEXT, "1-96 printable characters"),
                    gpu.optionalInt("power_limit_watts", 0, Short.MAX_VALUE), limits(gpu));
        });
        List<String> services = frame.list("services", MAX_SERVICES, false,
                element -> element.string(SERVICE, "a service name of 1-64 letters, digits, '@', '.', '_' or '-'"));
        if (new HashSet<>(services).size() != services.size()) {
            throw new InvalidFrame("services", "must not repeat a service");
        }
        Integer interval = frame.optionalInt("metrics_interval_secs", 1, 3600);
        return new Announcement(workerId,
                frame.requiredString("hostname", HOSTNAME, "a host name of at most 253 letters, digits, '.' or '-'"),
                frame.requiredString("agent_version", VERSION, "1-64 printable characters without spaces"),
                frame.optionalString("driver_version", VERSION, "1-64 printable characters without spaces"),
                interval == null ? DEFAULT_INTERVAL_SECONDS : interval, gpus, services);
    }

    /** Validates the shape only; whether the restart is this worker's and the step is legal is the restart log's. */
    public static StatusReport restartStatus(JsonObject json) {
        var frame = Frame.of(json);
        long restartId = frame.requiredLong("restart_id", 1, Long.MAX_VALUE);
        String status = frame.requiredString("status", AGENT_RESTART_STATUS,
                "one of waiting_for_job, stopping, restarting, completed, failed");
        String error = frame.optionalString("error_message", ERROR_MESSAGE,
                "1-" + MAX_ERROR_MESSAGE + " characters without control characters");
        if (status.equals("failed") && error == null) {
            throw new InvalidFrame("error_message", "is required when status is failed");
        }
        return new StatusReport(restartId, RestartStatus.of(status), status.equals("failed") ? error : null);
    }

    /** An {@code action_status} (free_memory, interrupt): the shape only, like {@link #restartStatus}. */
    public static StatusReport actionStatus(JsonObject json) {
        var frame = Frame.of(json);
        long actionId = frame.requiredLong("action_id", 1, Long.MAX_VALUE);
        String status = frame.requiredString("status", AGENT_ACTION_STATUS, "one of running, completed, failed");
        String error = frame.optionalString("error_message", ERROR_MESSAGE,
                "1-" + MAX_ERROR_MESSAGE + " characters without control characters");
        if (status.equals("failed") && error == null) {
            throw new InvalidFrame("error_message", "is required when status is failed");
        }
        return new StatusReport(actionId, RestartStatus.of(status), status.equals("failed") ? error : null,
                frame.optionalInt("vram_before_mb", 0, MAX_ACTION_VRAM_MB), frame.optionalInt("vram_after_mb", 0, MAX_ACTION_VRAM_MB));
    }

    /**
     * @param now    the server's clock, when the batch was received: the time stored for a batch from the future
     * @param oldest the oldest timestamp still kept anywhere (the hourly summaries' retention)
     */
    public static MetricsBatch metrics(JsonObject json, Instant now, Instant oldest) {
        var frame = Frame.of(json);
        long workerId = frame.requiredLong("worker_id", 1, Long.MAX_VALUE);
        long seq = frame.requiredLong("seq", 0, Long.MAX_VALUE);
        Instant stamped = timestamp(frame, now, oldest);
        boolean clockFast = stamped.isAfter(now.plus(CLOCK_TOLERANCE));
        Instant recordedAt = clockFast ? now : stamped;
        Long clockOffsetMs = clockFast ? Duration.between(now, stamped).toMillis() : null;
        var indexes = new HashSet<Integer>();
        List<GpuSample> samples = frame.list("metrics", MAX_GPUS, true, element -> {
            var gpu = element.object();
            int index = gpu.requiredInt("gpu_index", 0, MAX_GPUS - 1);
            if (!indexes.add(index)) {
                throw new InvalidFrame(gpu.name("gpu_index"), "must be unique");
            }
            int total = gpu.requiredInt("vram_total_mb", 1, Integer.MAX_VALUE);
            int used = gpu.requiredInt("vram_used_mb", 0, Integer.MAX_VALUE);
            if (used > total) {
                throw new InvalidFrame(gpu.name("vram_used_mb"), "must not exceed vram_total_mb");
            }
            return new GpuSample(index, used, total,
                    gpu.requiredInt("temperature_celsius", -40, 150),
                    gpu.requiredInt("utilization_percent", 0, 100),
                    gpu.optionalInt("power_draw_watts", 0, Short.MAX_VALUE),
                    gpu.optionalInt("fan_speed_percent", 0, 100), health(gpu), ProcessList.read(gpu, total));
        });
        List<Integer> lost = frame.list("lost_gpus", MAX_GPUS, false, element -> {
            int index = element.integer(0, MAX_GPUS - 1);
            if (!indexes.add(index)) {
                throw new InvalidFrame(element.path(), "must be a GPU that is not also in metrics");
            }
            return index;
        });
        return new MetricsBatch(workerId, seq, recordedAt, samples, lost, clockOffsetMs, ComfyUiObject.read(frame));
    }

    private static CardLimits limits(Frame gpu) {
        return new CardLimits(gpu.optionalInt("slowdown_temperature_celsius", 0, 150),
                gpu.optionalInt("shutdown_temperature_celsius", 0, 150),
                gpu.optionalInt("max_sm_clock_mhz", 0, MAX_CLOCK_MHZ),
                gpu.optionalInt("enforced_power_limit_watts", 0, Short.MAX_VALUE));
    }

    /** The optional health fields; throttle_reasons absent or null means the card does not report them. */
    private static GpuHealth health(Frame gpu) {
        Integer throttle = null;
        if (gpu.has("throttle_reasons")) {
            var seen = new HashSet<String>();
            List<Throttle> reasons = gpu.list("throttle_reasons", Throttle.values().length, false, element -> {
                String name = element.string(THROTTLE_REASON, THROTTLE_RULE);
                if (!seen.add(name)) {
                    throw new InvalidFrame(element.path(), "must not repeat a reason");
                }
                return Throttle.named(name).orElseThrow();
            });
            throttle = Throttle.mask(reasons);
        }
        return new GpuHealth(gpu.optionalInt("sm_clock_mhz", 0, MAX_CLOCK_MHZ),
                gpu.optionalInt("memory_temperature_celsius", -40, 150), throttle,
                gpu.optionalLong("ecc_uncorrected_volatile", 0, Long.MAX_VALUE),
                gpu.optionalBoolean("remapped_rows_pending"), gpu.optionalBoolean("remapped_rows_failure"),
                gpu.optionalLong("pcie_replay_count", 0, Long.MAX_VALUE));
    }

    /** A {@code gpu_event}; the worker is the token's (the frame may name it, checked like the others). */
    public static GpuEvent event(long workerId, JsonObject json, Instant now, Instant oldest) {
        var frame = Frame.of(json);
        long seq = frame.requiredLong("seq", 0, Long.MAX_VALUE);
        Instant occurredAt = timestamp(frame, now, oldest);
        int gpu = frame.requiredInt("gpu_index", 0, MAX_GPUS - 1);
        String uuid = frame.optionalString("uuid", TEXT, "1-96 printable characters");
        var kind = GpuEvent.Kind.of(frame.requiredString("kind", EVENT_KIND, "one of xid, ecc_double_bit, gpu_lost"));
        Integer xid = frame.optionalInt("xid", 0, Integer.MAX_VALUE);
        if (kind == GpuEvent.Kind.XID && xid == null) {
            throw new InvalidFrame("xid", "is required when kind is xid");
        }
        if (kind != GpuEvent.Kind.XID && xid != null) {
            throw new InvalidFrame("xid", "must be null unless kind is xid");
        }
        return new GpuEvent(workerId, seq, gpu, uuid, kind, xid, occurredAt);
    }

    private static Instant timestamp(Frame frame, Instant now, Instant oldest) {
        String text = frame.requiredString("timestamp", Pattern.compile(".{1,40}"), "an ISO-8601 UTC timestamp");
        Instant timestamp;
        try {
            timestamp = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidFrame("timestamp", "must be an ISO-8601 UTC timestamp such as 2026-11-28T05:00:00Z");
        }
        if (timestamp.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            throw new InvalidFrame("timestamp", "is more than a year ahead of the server's clock (" + now + "); check the worker's date");
        }
        if (timestamp.isBefore(oldest)) {
            throw new InvalidFrame("timestamp", "is older than the retention of hourly summaries (" + oldest + ")");
        }
        return timestamp;
    }
}
