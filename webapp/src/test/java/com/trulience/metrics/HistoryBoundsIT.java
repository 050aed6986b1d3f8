package com.trulience.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.testing.Api;
import com.trulience.testing.Deployed;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History is bounded by what is stored, not by what the agent announced: a worker that announces one sample an
 * hour and stores one a second must not make a day's chart read every row.
 */
@ExtendWith(ArquillianExtension.class)
class HistoryBoundsIT extends Deployed {

    private static final String DATABASE = "trulience_it_history_bounds";
    private static final String ADMIN_PASSWORD = "history-bounds-admin-password";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    @Test
    void aWorkerThatAnnouncesAnHourButStoresASampleASecondGetsBucketsOfAtMostMaxPoints() throws Exception {
        long worker = seed("gpu-liar", 3600, 1);
        var history = history(worker, NOW.minus(Duration.ofHours(23)), 500);

        assertTrue(history.getBoolean("aggregated"), "bucketed: " + history.getString("source"));
        var gpus = history.getJsonArray("gpus");
        assertEquals(2, gpus.size());
        for (int gpu = 0; gpu < 2; gpu++) {
            int points = gpus.getJsonObject(gpu).getJsonArray("time").size();
            assertTrue(points <= 500 && points >= 400, points + " points for GPU " + gpu);
        }
    }

    @Test
    void aWorkerThatStoresWhatItAnnouncedStillGetsItsRawSamples() throws Exception {
        long worker = seed("gpu-honest", 3600, 3600);
        var history = history(worker, NOW.minus(Duration.ofHours(23)), 500);

        assertFalse(history.getBoolean("aggregated"));
        assertEquals(23, history.getJsonArray("gpus").getJsonObject(0).getJsonArray("time").size());
    }

    /** A worker with 2 GPUs that announced {@code announced} s and stored a sample every {@code every} s for 24 h. */
    private long seed(String name, int announced, int every) {
        long id = Long.parseLong(TestDatabase.query(DATABASE, "INSERT INTO workers (name, hostname, interval_seconds) VALUES ('"
                + name + "', 'h', " + announced + ") RETURNING id"));
        TestDatabase.execute(DATABASE, "INSERT INTO gpu_metrics (worker_id, gpu_index, vram_used_mb, vram_total_mb, temperature_celsius, "
                + "utilization_percent, recorded_at) SELECT " + id + ", g, 40000, 81559, 50, s % 101, '" + NOW
                + "'::timestamptz - make_interval(secs => s) FROM generate_series(" + every + ", 86400, " + every + ") s, "
                + "generate_series(0, 1) g");
        return id;
    }

    private JsonObject history(long worker, Instant since, int maxPoints) throws Exception {
        var response = Api.as(base, "admin", ADMIN_PASSWORD).get("api/v1/admin/workers/" + worker + "/metrics?since=" + since
                + "&until=" + NOW + "&max_points=" + maxPoints);
        assertEquals(200, response.statusCode(), response.body().substring(0, Math.min(500, response.body().length())));
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
