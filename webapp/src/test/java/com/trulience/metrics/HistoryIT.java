package com.trulience.metrics;

import com.trulience.testing.Deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Frames;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The metrics query API on the deployed WAR: current view, raw and bucketed history, hourly summaries, bad input. */
@ExtendWith(ArquillianExtension.class)
class HistoryIT extends Deployed {

    private static final String DATABASE = "trulience_it_history";
    private static final String ADMIN_PASSWORD = "history-admin-password";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    /** Worker 1: 24 h of 2 GPUs sampled every 5 s, plus hourly summaries of 3 days before. Worker 2: nothing. */
    @BeforeAll
    static void seed() throws Exception {
        awaitSchema();
        TestDatabase.execute(DATABASE, "INSERT INTO workers (id, name, hostname, interval_seconds) VALUES "
                + "(1, 'gpu-h1', 'h1', 5), (2, 'gpu-h2', 'h2', 5) ON CONFLICT DO NOTHING");
        TestDatabase.execute(DATABASE, "SELECT setval('workers_id_seq', 100)");
        // as if the per-minute summaries (db/V18) had begun two hours ago; the seeded day begins before that
        TestDatabase.execute(DATABASE, "UPDATE minute_rollup_start SET started_at = date_trunc('minute', NOW()) - INTERVAL '2 hours'");
        TestDatabase.execute(DATABASE, "INSERT INTO worker_gpus VALUES (1, 0, 'NVIDIA H100 80GB HBM3', 'GPU-0', 700), "
                + "(1, 1, 'NVIDIA H100 80GB HBM3', 'GPU-1', 700) ON CONFLICT DO NOTHING");
        TestDatabase.execute(DATABASE, "INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, "
                + "utilization_percent, power_draw_watts, fan_speed_percent, recorded_at) "
                + "SELECT 1, g, 40000, 81559, 40 + (s % 40), s % 101, 350, NULL, '" + NOW + "'::timestamptz - make_interval(secs => s * 5) "
                + "FROM generate_series(1, 17280) s, generate_series(0, 1) g ON CONFLICT DO NOTHING");
        TestDatabase.execute(DATABASE, "INSERT INTO gpu_metrics_latest VALUES (1, 0, 40000, 81559, 86, 97, 630, NULL, '" + NOW + "'), "
                + "(1, 1, 20000, 81559, 45, 3, 100, 30, '" + NOW + "') ON CONFLICT DO NOTHING");
        TestDatabase.execute(DATABASE, "INSERT INTO gpu_metrics_hourly (worker_id, gpu_index, hour, samples, vram_used_mb_min, "
                + "vram_used_mb_max, vram_used_mb_sum, vram_total_mb, temperature_celsius_min, temperature_celsius_max, "
                + "temperature_celsius_sum, utilization_percent_min, utilization_percent_max, utilization_percent_sum) "
                + "SELECT 1, 0, date_trunc('hour', '" + NOW + "'::timestamptz, 'UTC') - make_interval(hours => h), 720, 1, 9, 3600, "
                + "81559, 50, 70, 720 * 60, 0, 100, 720 * 50 FROM generate_series(26, 98) h ON CONFLICT DO NOTHING");
    }

    private static void awaitSchema() throws Exception {
        Await.until("the schema's migrations", Duration.ofSeconds(60),
                () -> "t".equals(TestDatabase.query(DATABASE, "SELECT (to_regclass('gpu_metrics_hourly') IS NOT NULL)::text").substring(0, 1)));
    }

    @Test
    void currentShowsEveryGpuWithItsWorkerStatusAndEffectiveThresholds() throws Exception {
        TestDatabase.execute(DATABASE, "INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) "
                + "VALUES (1, 'temperature_celsius', 90, 95) ON CONFLICT DO NOTHING");
        var response = admin().get("api/v1/admin/workers/metrics/current");
        assertEquals(200, response.statusCode(), response.body());
        var workers = json(response.body()).getJsonArray("workers");
        var first = workers.getJsonObject(0);
        assertEquals("gpu-h1", first.getString("name"));
        assertEquals("offline", first.getString("status"));
        assertEquals(90, first.getJsonObject("thresholds").getJsonObject("temperature_celsius").getInt("warning"));
        assertEquals(85, first.getJsonObject("thresholds").getJsonObject("vram_used_percent").getInt("warning"));
        var gpu0 = first.getJsonArray("gpus").getJsonObject(0);
        assertEquals(86, gpu0.getInt("temperature_celsius"));
        assertEquals(49.0, gpu0.getJsonNumber("vram_used_percent").doubleValue());
        assertEquals(90.0, gpu0.getJsonNumber("power_draw_percent").doubleValue());
        assertEquals("NVIDIA H100 80GB HBM3", gpu0.getString("name"));
        assertEquals(30, first.getJsonArray("gpus").getJsonObject(1).getInt("fan_speed_percent"));
        assertEquals(0, workers.getJsonObject(1).getJsonArray("gpus").size());
        assertEquals(70, workers.getJsonObject(1).getJsonObject("thresholds").getJsonObject("temperature_celsius").getInt("warning"));
    }

    @Test
    void lastHourByDefaultComesAsRawSamples() throws Exception {
        var history = json(admin().get("api/v1/admin/workers/1/metrics").body());
        assertEquals("raw", history.getString("source"));
        assertFalse(history.getBoolean("aggregated"));
        var gpus = history.getJsonArray("gpus");
        assertEquals(2, gpus.size());
        // one sample every 5 s for the hour before the request (seeded up to NOW, a few seconds before it)
        int points = gpus.getJsonObject(0).getJsonArray("time").size();
        assertTrue(points >= 690 && points <= 720, "points: " + points);
        assertEquals(points, gpus.getJsonObject(0).getJsonArray("temperature_celsius").size());
        assertTrue(gpus.getJsonObject(0).getJsonArray("fan_speed_percent").isNull(0));
        assertFalse(gpus.getJsonObject(0).containsKey("temperature_celsius_max"));
    }

    @Test
    void twentyFourHoursOfFiveSecondSamplesComeBackAsAtMost2000BucketsPerGpu() throws Exception {
        var since = NOW.minus(Duration.ofHours(24));
        // asked a little later than NOW, the start is already outside 24 h: still raw, as retention keeps whole hours
        var history = json(admin().get("api/v1/admin/workers/1/metrics?since=" + since + "&until=" + NOW).body());
        assertEquals("raw", history.getString("source"));
        assertTrue(history.getBoolean("aggregated"));
        for (var gpu : history.getJsonArray("gpus").getValuesAs(JsonObject.class)) {
            int points = gpu.getJsonArray("time").size();
            assertTrue(points <= 2_000 && points > 1_900, "points: " + points);
            var max = gpu.getJsonArray("temperature_celsius_max");
            var avg = gpu.getJsonArray("temperature_celsius");
            for (int i = 0; i < points; i++) {
                assertTrue(max.getJsonNumber(i).doubleValue() >= avg.getJsonNumber(i).doubleValue());
            }
        }
    }

    @Test
    void oneGpuOnlyWhenAsked() throws Exception {
        var history = json(admin().get("api/v1/admin/workers/1/metrics?gpu_index=1").body());
        assertEquals(1, history.getJsonArray("gpus").size());
        assertEquals(1, history.getJsonArray("gpus").getJsonObject(0).getInt("gpu_index"));
    }

    @Test
    void rangesBeyondTheRawWindowComeFromHourlySummaries() throws Exception {
        var since = NOW.minus(Duration.ofDays(4));
        var until = NOW.minus(Duration.ofDays(2));
        var history = json(admin().get("api/v1/admin/workers/1/metrics?since=" + since + "&until=" + until).body());
        assertEquals("hourly", history.getString("source"));
        var gpu = history.getJsonArray("gpus").getJsonObject(0);
        int points = gpu.getJsonArray("time").size();
        assertTrue(points >= 47 && points <= 49, "points: " + points);
        assertEquals(60.0, gpu.getJsonArray("temperature_celsius").getJsonNumber(0).doubleValue());
        assertEquals(70, gpu.getJsonArray("temperature_celsius_max").getInt(0));
        assertEquals(720, gpu.getJsonArray("samples").getInt(0));
        assertTrue(gpu.getJsonArray("power_draw_watts").isNull(0));
    }

    @Test
    void refusesBadRangesAndUnknownWorkersWithProblemDocuments() throws Exception {
        assertProblem(400, "api/v1/admin/workers/1/metrics?since=yesterday", "ISO-8601");
        assertProblem(400, "api/v1/admin/workers/1/metrics?since=" + NOW + "&until=" + NOW.minusSeconds(60), "before until");
        assertProblem(400, "api/v1/admin/workers/1/metrics?gpu_index=64", "gpu_index");
        assertProblem(400, "api/v1/admin/workers/1/metrics?max_points=0", "max_points");
        assertProblem(404, "api/v1/admin/workers/99/metrics", "no worker");
        assertEquals(401, Api.anonymous(base).get("api/v1/admin/workers/1/metrics").statusCode());
    }

    @Test
    void samplesSentOverTheSocketShowUpInCurrentAndHistory() throws Exception {
        var registered = admin().registerWorker("gpu-live");
        long id = registered.id();
        try (var agent = AgentClient.connect(base, registered.token())) {
            agent.send(Frames.metrics(id, 1, NOW.minusSeconds(10), new Frames.Gpu(0, 1, 2, 77, 5, null, null)));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());
        }
        var history = json(admin().get("api/v1/admin/workers/" + id + "/metrics").body());
        assertEquals(77, history.getJsonArray("gpus").getJsonObject(0).getJsonArray("temperature_celsius").getInt(0));
        assertTrue(admin().get("api/v1/admin/workers/metrics/current").body().contains("\"temperature_celsius\":77"));
    }

    @Test
    void aLongRangeSinceTheMinutesBeganComesFromThePerMinuteSummariesOfWhatWasStored() throws Exception {
        var registered = admin().registerWorker("gpu-minutes");
        long id = registered.id();
        Instant start = Instant.now().minus(Duration.ofMinutes(50)).truncatedTo(ChronoUnit.MINUTES);
        try (var agent = AgentClient.connect(base, registered.token())) {
            agent.send(Frames.hello(id, 5, 2));
            int seq = 0;
            for (int i = 0; i < 60; i++) { // every 20 s for 20 minutes
                agent.send(Frames.metrics(id, ++seq, start.plusSeconds(20L * i), Frames.BUSY.temperature(40 + i % 7), Frames.IDLE.utilization(i % 11)));
                assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", agent.next());
            }
            // a replay of the first sample is stored once, so it counts once in its minute
            agent.send(Frames.metrics(id, ++seq, start, Frames.BUSY.temperature(99)));
            assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", agent.next());
        }
        String perMinute = "SELECT string_agg(concat_ws(',', gpu_index, minute, samples, t, tmax, u, umax, v, vmax, total, p, pmax, pw, f, fs), ';' "
                + "ORDER BY gpu_index, minute) FROM (%s) m";
        String raw = perMinute.formatted("SELECT gpu_index, date_trunc('minute', recorded_at, 'UTC') AS minute, COUNT(*) AS samples, "
                + "SUM(temperature_celsius) AS t, MAX(temperature_celsius) AS tmax, SUM(utilization_percent) AS u, MAX(utilization_percent) AS umax, "
                + "SUM(vram_used_mb) AS v, MAX(vram_used_mb) AS vmax, MAX(vram_total_mb) AS total, COUNT(power_draw_watts) AS p, "
                + "MAX(power_draw_watts) AS pmax, SUM(power_draw_watts) AS pw, COUNT(fan_speed_percent) AS f, SUM(fan_speed_percent) AS fs "
                + "FROM gpu_metrics WHERE worker_id = " + id + " GROUP BY 1, 2");
        String minutes = perMinute.formatted("SELECT gpu_index, minute, samples, temperature_celsius_sum AS t, temperature_celsius_max AS tmax, "
                + "utilization_percent_sum AS u, utilization_percent_max AS umax, vram_used_mb_sum AS v, vram_used_mb_max AS vmax, "
                + "vram_total_mb AS total, power_draw_samples AS p, power_draw_watts_max AS pmax, power_draw_watts_sum AS pw, "
                + "fan_speed_samples AS f, fan_speed_percent_sum AS fs FROM gpu_metrics_minute WHERE worker_id = " + id);
        assertEquals(TestDatabase.query(DATABASE, raw), TestDatabase.query(DATABASE, minutes));
        assertEquals("40", TestDatabase.query(DATABASE, "SELECT COUNT(*) FROM gpu_metrics_minute WHERE worker_id = " + id));

        var history = json(admin().get("api/v1/admin/workers/" + id + "/metrics?since=" + start + "&until=" + start.plus(Duration.ofHours(3))).body());
        assertEquals("minute", history.getString("source"));
        assertTrue(history.getBoolean("aggregated"));
        assertEquals(60, history.getInt("bucket_seconds"));
        var gpu0 = history.getJsonArray("gpus").getJsonObject(0);
        assertEquals(20, gpu0.getJsonArray("time").size());
        assertEquals(start.toString(), gpu0.getJsonArray("time").getString(0));
        // the first minute: samples of 40, 41 and 42 °C
        assertEquals(41.0, gpu0.getJsonArray("temperature_celsius").getJsonNumber(0).doubleValue());
        assertEquals(42, gpu0.getJsonArray("temperature_celsius_max").getInt(0));
        assertEquals(3, gpu0.getJsonArray("samples").getInt(0));
    }

    private void assertProblem(int status, String path, String detail) throws Exception {
        var response = admin().get(path);
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(response.body().contains(detail), response.body());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
