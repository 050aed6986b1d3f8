package com.trulience.metrics.control;

import com.trulience.platform.control.JsonP;
import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;

/**
 * A GPU's process list as stored in gpu_processes_latest.processes and served by the API: the protocol's keys,
 * {@code command_line} only where one was reported.
 */
public final class ProcessJson {

    private static final JsonProvider JSON = JsonP.PROVIDER;

    private ProcessJson() {
    }

    static String write(List<GpuProcess> processes) {
        var text = new StringWriter(64 + 160 * processes.size());
        try (var json = JSON.createGenerator(text)) {
            json.writeStartArray();
            processes.forEach(process -> write(process, json));
            json.writeEnd();
        }
        return text.toString();
    }

    /**
     * The API's fields of one GPU's holders: {@code processes} (null when not reported), {@code processes_other}
     * (null unless more than 32 ran) and {@code unattributed_vram_mb}, the used VRAM no process accounts for.
     */
    public static void writeHolders(GpuProcesses processes, int vramUsedMb, JsonGenerator json) {
        if (!processes.reported()) {
            json.writeNull("processes").writeNull("processes_other").writeNull("unattributed_vram_mb");
            return;
        }
        json.writeStartArray("processes");
        processes.listed().forEach(process -> write(process, json));
        json.writeEnd();
        if (processes.otherCount() == 0) {
            json.writeNull("processes_other");
        } else {
            json.writeStartObject("processes_other").write("count", processes.otherCount());
            nullable(json, "vram_used_mb", processes.otherVramUsedMb());
            json.writeEnd();
        }
        json.write("unattributed_vram_mb", processes.unattributedMb(vramUsedMb));
    }

    /** One process as an object of the open {@code json}. */
    public static void write(GpuProcess process, JsonGenerator json) {
        json.writeStartObject().write("pid", process.pid());
        nullable(json, "name", process.name());
        nullable(json, "unit", process.unit());
        nullable(json, "container", process.container());
        nullable(json, "user", process.user());
        nullable(json, "vram_used_mb", process.vramUsedMb());
        nullable(json, "sm_percent", process.smPercent());
        nullable(json, "mem_percent", process.memPercent());
        if (process.commandLine() != null) {
            json.write("command_line", process.commandLine());
        }
        json.writeEnd();
    }

    static List<GpuProcess> read(String stored) {
        try (var reader = JSON.createReader(new StringReader(stored))) {
            return reader.readArray().getValuesAs(JsonObject.class).stream().map(ProcessJson::process).toList();
        }
    }

    private static GpuProcess process(JsonObject json) {
        return new GpuProcess(json.getJsonNumber("pid").longValue(), text(json, "name"), text(json, "unit"),
                text(json, "container"), text(json, "user"), number(json, "vram_used_mb"), number(json, "sm_percent"),
                number(json, "mem_percent"), text(json, "command_line"));
    }

    private static String text(JsonObject json, String key) {
        return json.get(key) instanceof JsonString value ? value.getString() : null;
    }

    private static Integer number(JsonObject json, String key) {
        JsonValue value = json.get(key);
        return value instanceof JsonNumber number ? number.intValue() : null;
    }

    private static void nullable(JsonGenerator json, String key, String value) {
        if (value == null) {
            json.writeNull(key);
        } else {
            json.write(key, value);
        }
    }

    private static void nullable(JsonGenerator json, String key, Integer value) {
        if (value == null) {
            json.writeNull(key);
        } else {
            json.write(key, value.intValue());
        }
    }
}
