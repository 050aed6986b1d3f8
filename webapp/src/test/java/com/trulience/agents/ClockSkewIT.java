package com.trulience.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.metrics.control.CurrentFleet;
import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A worker whose clock runs fast, with real WebSocket frames against the deployed WAR: nothing it sends is lost,
 * it is told its offset, and once its clock is right again its newest sample is the one the fleet view shows.
 */
@ExtendWith(ArquillianExtension.class)
class ClockSkewIT extends Deployed {

    private static final String DATABASE = "trulience_it_clock_skew";
    private static final String ADMIN_PASSWORD = "clock-skew-admin-password";
    private static final AtomicInteger WORKERS = new AtomicInteger();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    @Test
    void aBatchTenMinutesAheadIsStoredAtTheReceiveTimeAndTheAgentToldItsOffset() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id()));
            Instant before = Instant.now();
            agent.send(metrics(worker.id(), 1, Instant.now().plus(Duration.ofMinutes(10)), 77));
            var ack = json(agent.next());
            Instant after = Instant.now();

            assertEquals("ack", ack.getString("type"), ack.toString());
            assertEquals(1, ack.getInt("seq"));
            long offset = ack.getJsonNumber("clock_offset_ms").longValue();
            assertTrue(Math.abs(offset - Duration.ofMinutes(10).toMillis()) < 30_000, "offset " + offset + " ms");
            assertEquals("2 true", query("SELECT COUNT(*) || ' ' || bool_and(clock_corrected) FROM gpu_metrics WHERE worker_id = "
                    + worker.id()));
            Instant stored = Instant.parse(query("SELECT to_char(MAX(recorded_at) AT TIME ZONE 'UTC', "
                    + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM gpu_metrics WHERE worker_id = " + worker.id()));
            assertTrue(!stored.isBefore(before.minusSeconds(1)) && !stored.isAfter(after.plusSeconds(1)),
                    "stored at " + stored + ", received between " + before + " and " + after);
            assertEquals(String.valueOf(offset), query("SELECT clock_offset_ms FROM workers WHERE id = " + worker.id()));
            // what the worker card shows ("clock off by N s", WorkerCardTest)
            try (var db = DriverManager.getConnection(TestDatabase.url(TestDatabase.name(DATABASE)), TestDatabase.USER, TestDatabase.PASSWORD)) {
                assertEquals(offset, CurrentFleet.all(db).stream().filter(each -> each.id() == worker.id()).findFirst()
                        .orElseThrow().clockOffsetMs());
            }
        }
    }

    @Test
    void samplesAFewMinutesAheadDoNotFreezeTheLatestViewOnceTheClockIsCorrected() throws Exception {
        var worker = register();
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(hello(worker.id()));
            agent.send(metrics(worker.id(), 1, Instant.now().plus(Duration.ofMinutes(3)), 10));
            assertEquals(1, json(agent.next()).getInt("seq"));
            // NTP corrects the clock: the next sample is stamped right, after the backend received the one before
            agent.send(metrics(worker.id(), 2, Instant.now(), 20));
            var ack = json(agent.next());
            assertEquals("{\"type\":\"ack\",\"seq\":2}", ack.toString(), "no offset once the clock is right");

            assertEquals("20", query("SELECT utilization_percent FROM gpu_metrics_latest WHERE gpu_index = 0 AND worker_id = "
                    + worker.id()));
            assertEquals("4", query("SELECT COUNT(*) FROM gpu_metrics WHERE worker_id = " + worker.id()), "nothing lost");
            assertEquals(null, query("SELECT clock_offset_ms FROM workers WHERE id = " + worker.id()));
        }
    }

    @Test
    void aSampleWithinTheToleranceKeepsItsOwnTimestamp() throws Exception {
        var worker = register();
        Instant taken = Instant.now().minusSeconds(40).truncatedTo(ChronoUnit.SECONDS);
        try (var agent = AgentClient.connect(base, worker.token())) {
            agent.send(metrics(worker.id(), 5, taken, 30));
            assertEquals("{\"type\":\"ack\",\"seq\":5}", agent.next());
        }
        assertEquals("2 false", query("SELECT COUNT(*) || ' ' || bool_or(clock_corrected) FROM gpu_metrics WHERE worker_id = "
                + worker.id() + " AND recorded_at = '" + taken + "'"));
    }

    private Api.RegisteredWorker register() throws Exception {
        return Api.as(base, "admin", ADMIN_PASSWORD).registerWorker("gpu-skew-" + WORKERS.incrementAndGet());
    }

    private static String query(String sql) {
        return TestDatabase.query(DATABASE, sql);
    }

    private static String hello(long workerId) {
        return """
                {"type":"hello","worker_id":%d,"hostname":"gpu-skew-%d","agent_version":"1.0.0","driver_version":"550.54.15",
                 "metrics_interval_secs":5,
                 "gpus":[{"gpu_index":0,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-a","power_limit_watts":700},
                         {"gpu_index":1,"name":"NVIDIA H100 80GB HBM3","uuid":"GPU-b","power_limit_watts":700}],
                 "services":["comfyui"]}""".formatted(workerId, workerId);
    }

    private static String metrics(long workerId, long seq, Instant taken, int utilization) {
        return """
                {"type":"gpu_metrics","worker_id":%d,"seq":%d,"timestamp":"%s",
                 "metrics":[{"gpu_index":0,"vram_used_mb":40213,"vram_total_mb":81559,"temperature_celsius":61,
                             "utilization_percent":%d,"power_draw_watts":512,"fan_speed_percent":30},
                            {"gpu_index":1,"vram_used_mb":1024,"vram_total_mb":81559,"temperature_celsius":40,
                             "utilization_percent":0,"power_draw_watts":80,"fan_speed_percent":null}]}"""
                .formatted(workerId, seq, taken, utilization);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
