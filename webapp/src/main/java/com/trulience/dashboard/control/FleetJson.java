package com.trulience.dashboard.control;

import com.trulience.platform.control.JsonP;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.StringWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The fleet page's two documents: the whole fleet ({@code GET /admin/fleet.json}) and the change from one version to
 * the next (the push). Field names are short because a tile is written 8,000 times: per worker {@code id},
 * {@code name}, {@code host}, {@code online}, {@code ac}/{@code aw} (open critical/warning alerts), {@code gpus};
 * per GPU {@code i} (index), {@code n} (name), {@code l} (level), {@code x} (the worst reading or trouble, as text),
 * {@code t} (°C), {@code v} (VRAM %), {@code u} (utilization %), {@code p} (power % of the limit, null when unknown),
 * {@code s} (the sample's time, epoch ms).
 */
final class FleetJson {

    private static final JsonGeneratorFactory GENERATORS = JsonP.PROVIDER.createGeneratorFactory(Map.of());

    private FleetJson() {
    }

    static String document(long version, Collection<WorkerTile> workers, FleetSummary summary) {
        var out = new StringWriter(workers.size() * 900 + 256);
        try (var json = GENERATORS.createGenerator(out)) {
            json.writeStartObject().write("version", version);
            summary(json, summary);
            json.writeStartArray("workers");
            for (var worker : workers) {
                worker(json, worker, worker.gpus());
            }
            json.writeEnd().writeEnd();
        }
        return out.toString();
    }

    /**
     * The first message on every push socket: the version the fleet is at as the socket joined. A page drawn from an
     * older version (a change came between its render and its socket, or while its socket was down) re-reads.
     */
    static String current(long version) {
        return "{\"current\":" + version + "}";
    }

    /** changed: each worker whose line or any tile changed, with only the tiles that changed; removed: "7" or "7:3". */
    static String delta(long version, Map<WorkerTile, List<GpuTile>> changed, List<String> removed, FleetSummary summary) {
        var out = new StringWriter(changed.size() * 200 + removed.size() * 8 + 256);
        try (var json = GENERATORS.createGenerator(out)) {
            json.writeStartObject().write("version", version).writeStartArray("changed");
            changed.forEach((worker, gpus) -> worker(json, worker, gpus));
            json.writeEnd().writeStartArray("removed");
            removed.forEach(json::write);
            json.writeEnd();
            summary(json, summary);
            json.writeEnd();
        }
        return out.toString();
    }

    private static void worker(JsonGenerator json, WorkerTile worker, List<GpuTile> gpus) {
        json.writeStartObject().write("id", worker.id()).write("name", worker.name());
        if (worker.hostname() == null) {
            json.writeNull("host");
        } else {
            json.write("host", worker.hostname());
        }
        json.write("online", worker.online()).write("ac", worker.alerts().critical()).write("aw", worker.alerts().warning())
                .writeStartArray("gpus");
        for (var gpu : gpus) {
            json.writeStartObject().write("i", gpu.index()).write("n", gpu.name()).write("l", gpu.level().word())
                    .write("x", gpu.worst()).write("t", gpu.temperatureCelsius()).write("v", gpu.vramUsedPercent())
                    .write("u", gpu.utilizationPercent());
            if (gpu.powerDrawPercent() == null) {
                json.writeNull("p");
            } else {
                json.write("p", gpu.powerDrawPercent());
            }
            json.write("s", gpu.sampledAtMillis()).writeEnd();
        }
        json.writeEnd().writeEnd();
    }

    private static void summary(JsonGenerator json, FleetSummary summary) {
        json.writeStartObject("summary").write("online", summary.workersOnline()).write("offline", summary.workersOffline())
                .write("ok", summary.gpusOk()).write("warning", summary.gpusWarning()).write("critical", summary.gpusCritical())
                .write("gpus_offline", summary.gpusOffline()).write("alerts_critical", summary.alertsCritical())
                .write("alerts_warning", summary.alertsWarning()).writeEnd();
    }
}
