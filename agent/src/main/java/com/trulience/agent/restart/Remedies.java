package com.trulience.agent.restart;

import com.trulience.agent.comfyui.ComfyUi;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The mild steps before a restart, carried out on the restart thread once {@link Restarter} has let them through:
 * {@code free_memory} asks ComfyUI to unload its models and free its cache, then watches the GPUs' used VRAM fall;
 * {@code interrupt} stops ComfyUI's running job. Every step is an {@code action_status} frame.
 *
 * <p>free_memory never calls /interrupt and never waits for a job: ComfyUI acts on /free between jobs, so with a job
 * running the VRAM usually does not fall in time and the action fails, which tells the operator to go one step up.
 */
final class Remedies {

    /** Unload the models and empty torch's cache: what ComfyUI's own "Unload models" button sends. */
    static final String FREE_BODY = "{\"unload_models\":true,\"free_memory\":true}";
    /** VRAM must fall by this much (or by 10 % of what was used, if that is less). */
    static final long ENOUGH_MIB = 512;

    /** How long free_memory watches the VRAM (FREE_MEMORY_VERIFY_SECS) and how often it looks. */
    record Timing(Duration verify, Duration poll) {
    }

    private final ComfyUi comfyUi;
    private final Supplier<OptionalLong> usedVramMib;
    private final Timing timing;
    private final Consumer<String> statuses;

    Remedies(ComfyUi comfyUi, Supplier<OptionalLong> usedVramMib, Timing timing, Consumer<String> statuses) {
        this.comfyUi = comfyUi;
        this.usedVramMib = usedVramMib;
        this.timing = timing;
        this.statuses = statuses;
    }

    void freeMemory(long id) {
        status(id, "running", null, null, null);
        OptionalLong read = usedVramMib.get();
        if (read.isEmpty()) {
            failed(id, "the used VRAM cannot be read (no GPU answers NVML), so freeing it cannot be verified", null, null);
            return;
        }
        long before = read.getAsLong();
        ComfyUi.Answer answer = comfyUi.post("free", FREE_BODY);
        if (!answer.ok()) {
            failed(id, refusal("free", answer), before, null);
            return;
        }
        // At least 1 MiB: with nothing used, "fell by 0" would be no verification at all.
        long enough = Math.max(1, Math.min(ENOUGH_MIB, before / 10));
        long deadline = System.nanoTime() + timing.verify().toNanos();
        long after = before;
        while (true) {
            WindowsServices.sleep(timing.poll());
            OptionalLong now = usedVramMib.get();
            if (now.isPresent()) {
                after = now.getAsLong();
            }
            if (before - after >= enough) {
                status(id, "completed", null, before, after);
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                failed(id, "VRAM did not fall (" + before + " MiB before, " + after + " MiB after "
                        + spoken(timing.verify()) + ")", before, after);
                return;
            }
        }
    }

    /** FREE_MEMORY_VERIFY_SECS is whole seconds; tests wait less. */
    private static String spoken(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** Only with force, checked by {@link Restarter}: it kills the running job. */
    void interrupt(long id) {
        status(id, "running", null, null, null);
        ComfyUi.Answer answer = comfyUi.post("interrupt", "{}");
        if (answer.ok()) {
            status(id, "completed", null, null, null);
        } else {
            failed(id, refusal("interrupt", answer), null, null);
        }
    }

    void failed(long id, String error, Long before, Long after) {
        status(id, "failed", Restarter.oneLine(error, Restarter.MAX_ERROR), before, after);
    }

    private String refusal(String path, ComfyUi.Answer answer) {
        return answer.status() < 0 ? "ComfyUI at " + comfyUi + " cannot be reached for POST /" + path + " (" + answer.failure() + ")"
                : "ComfyUI answered POST /" + path + " with HTTP " + answer.status();
    }

    private void status(long id, String status, String error, Long before, Long after) {
        Restarter.LOG.info(() -> "Action " + id + ": " + status + (error == null ? "" : " (" + error + ")")
                + (before == null ? "" : ", VRAM used " + before + " MiB before" + (after == null ? "" : ", " + after + " MiB after")));
        statuses.accept(frame(id, status, error, before, after));
    }

    static String frame(long actionId, String status, String error, Long before, Long after) {
        var out = new StringWriter(160);
        try (JsonGenerator json = Json.createGenerator(out)) {
            json.writeStartObject().write("type", "action_status").write("action_id", actionId).write("status", status);
            writeNullable(json, "error_message", error);
            writeNullable(json, "vram_before_mb", before);
            writeNullable(json, "vram_after_mb", after);
            json.writeEnd();
        }
        return out.toString();
    }

    private static void writeNullable(JsonGenerator json, String name, Object value) {
        if (value == null) {
            json.writeNull(name);
        } else if (value instanceof Long number) {
            json.write(name, number.longValue());
        } else {
            json.write(name, value.toString());
        }
    }
}
