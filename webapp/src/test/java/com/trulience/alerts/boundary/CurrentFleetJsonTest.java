package com.trulience.alerts.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.trulience.alerts.control.EffectiveThresholds;
import com.trulience.alerts.entity.MetricThreshold;
import com.trulience.metrics.control.CurrentFleet.GpuNow;
import com.trulience.metrics.control.CurrentFleet.WorkerNow;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.Metric;
import com.trulience.workers.entity.CardLimits;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The current API's JSON: what it keeps from the last request must never hide a change of the worker or its levels. */
class CurrentFleetJsonTest {

    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
    private static final EffectiveThresholds GLOBAL = new EffectiveThresholds(List.of(
            new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true)));

    private static WorkerNow worker(long id, int temperature) {
        return new WorkerNow(id, "w-" + id, "host-" + id, true, NOW, null, List.of(new GpuNow(0, "NVIDIA H100 80GB HBM3", 700, NOW,
                1_000, 81_559, temperature, 50, 300, null, "GPU-" + id, GpuHealth.NONE, CardLimits.NONE, null)));
    }

    private static List<JsonObject> write(CurrentFleetJson json, List<WorkerNow> workers, EffectiveThresholds thresholds) throws Exception {
        var out = new ByteArrayOutputStream();
        json.write(workers, thresholds, NOW, out);
        var document = Json.createReader(new StringReader(out.toString(StandardCharsets.UTF_8))).readObject();
        assertEquals(NOW.toString(), document.getString("generated_at"));
        return document.getJsonArray("workers").getValuesAs(JsonObject.class);
    }

    private static int temperature(JsonObject worker) {
        return worker.getJsonArray("gpus").getJsonObject(0).getInt("temperature_celsius");
    }

    private static int warning(JsonObject worker) {
        return worker.getJsonObject("thresholds").getJsonObject("temperature_celsius").getInt("warning");
    }

    @Test
    void aChangedWorkerIsWrittenAnewAndTheOthersAsBefore() throws Exception {
        var json = new CurrentFleetJson();
        var first = write(json, List.of(worker(1, 40), worker(2, 50)), GLOBAL);
        assertEquals(List.of(40, 50), first.stream().map(CurrentFleetJsonTest::temperature).toList());
        assertEquals("host-1", first.get(0).getString("hostname"));

        var kept = worker(1, 40);
        var second = write(json, List.of(kept, worker(2, 90)), GLOBAL);
        assertEquals(List.of(40, 90), second.stream().map(CurrentFleetJsonTest::temperature).toList());
        assertEquals(first.get(0), second.get(0));
    }

    @Test
    void changedLevelsRewriteAnUnchangedWorker() throws Exception {
        var json = new CurrentFleetJson();
        var same = worker(1, 40);
        assertEquals(70, warning(write(json, List.of(same), GLOBAL).get(0)));

        var overridden = new EffectiveThresholds(List.of(new MetricThreshold(null, Metric.TEMPERATURE_CELSIUS, 70, 85, true),
                new MetricThreshold(1L, Metric.TEMPERATURE_CELSIUS, 60, 80, true)));
        assertEquals(60, warning(write(json, List.of(same), overridden).get(0)));
    }

    @Test
    void aWorkerGoneFromTheFleetIsGoneFromTheAnswer() throws Exception {
        var json = new CurrentFleetJson();
        write(json, List.of(worker(1, 40), worker(2, 50)), GLOBAL);
        var after = write(json, List.of(worker(2, 50)), GLOBAL);
        assertEquals(1, after.size());
        assertEquals(2, after.get(0).getJsonNumber("id").longValue());
        assertEquals(0, write(json, List.of(), GLOBAL).size());
    }
}
