package com.trulience.agents.control;

import com.trulience.metrics.entity.ComfyUiState;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the optional {@code comfyui} object of {@code gpu_metrics} (README "Protocol additions"): unreachable carries
 * nothing else, reachable carries the job counts; every other field may be null.
 */
final class ComfyUiObject {

    static final int MAX_JOBS = 100_000;
    static final int MAX_DEVICES = 64;
    static final int MAX_TORCH_MB = 10_000_000;
    private static final Pattern VERSION = Pattern.compile("[^\\p{Cc}\\p{Cf}]{1,64}");
    private static final Pattern PROMPT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final List<String> WHEN_REACHABLE = List.of("version", "jobs_running", "jobs_pending",
            "running_prompt_id", "devices");

    private ComfyUiObject() {
    }

    /** Null when the frame has no {@code comfyui} (or it is null): the agent does not watch ComfyUI. */
    static ComfyUiState read(Frame batch) {
        Frame comfy = batch.optionalObject("comfyui");
        if (comfy == null) {
            return null;
        }
        Boolean reachable = comfy.optionalBoolean("reachable");
        if (reachable == null) {
            throw new InvalidFrame(comfy.name("reachable"), "is required");
        }
        if (!reachable) {
            for (String field : WHEN_REACHABLE) {
                if (comfy.has(field)) {
                    throw new InvalidFrame(comfy.name(field), "must be absent or null when reachable is false");
                }
            }
            return ComfyUiState.UNREACHABLE;
        }
        var indexes = new HashSet<Integer>();
        List<ComfyUiState.Device> devices = comfy.list("devices", MAX_DEVICES, false, element -> {
            var device = element.object();
            int index = device.requiredInt("index", 0, MAX_DEVICES - 1);
            if (!indexes.add(index)) {
                throw new InvalidFrame(device.name("index"), "must be unique");
            }
            Integer total = device.optionalInt("torch_vram_total_mb", 0, MAX_TORCH_MB);
            Integer free = device.optionalInt("torch_vram_free_mb", 0, MAX_TORCH_MB);
            if (total != null && free != null && free > total) {
                throw new InvalidFrame(device.name("torch_vram_free_mb"), "must not exceed torch_vram_total_mb");
            }
            return new ComfyUiState.Device(index, total, free);
        });
        return new ComfyUiState(true,
                comfy.optionalString("version", VERSION, "1-64 characters without control or format characters"),
                comfy.requiredInt("jobs_running", 0, MAX_JOBS),
                comfy.requiredInt("jobs_pending", 0, MAX_JOBS),
                comfy.optionalString("running_prompt_id", PROMPT_ID, "1-128 letters, digits, '.', '_', ':' or '-'"),
                devices);
    }
}
