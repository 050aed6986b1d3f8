package com.trulience.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.metrics.control.CurrentFleet;
import com.trulience.testing.AgentClient;
import com.trulience.testing.Api;
import com.trulience.testing.Await;
import com.trulience.testing.Deployed;
import com.trulience.testing.Frames;
import com.trulience.testing.TestDatabase;
import com.trulience.testing.TrulienceWar;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpTimeoutException;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * The fleet snapshot against the database it stands for: after a burst of batches from several agents (newer and
 * older samples, a GPU the hello did not announce, agents going offline and coming back) the current API, served
 * from the snapshot, says exactly what {@link CurrentFleet#read} reads from the database. And the other node's side:
 * a signal naming workers makes this node re-read those (and only those), and a change here is signalled.
 */
@ExtendWith(ArquillianExtension.class)
class FleetSnapshotIT extends Deployed {

    private static final String DATABASE = "trulience_it_fleet_snapshot";
    private static final String ADMIN_PASSWORD = "fleet-snapshot-admin-password";
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return TrulienceWar.onFreshDatabase(DATABASE, ADMIN_PASSWORD, Map.of());
    }

    private Api admin() {
        return Api.as(base, "admin", ADMIN_PASSWORD);
    }

    /** The first requests of a fresh deployment on a busy machine may take longer than the client waits. */
    @BeforeEach
    void answering() throws Exception {
        Await.until("the backend to answer", Duration.ofSeconds(120), () -> {
            try {
                return admin().get("api/v1/admin/workers").statusCode() == 200;
            } catch (HttpTimeoutException slow) {
                return false;
            }
        });
    }

    @Test
    void afterABurstTheSnapshotSaysWhatTheDatabaseSays() throws Exception {
        int workers = 5;
        var registered = new ArrayList<Api.RegisteredWorker>();
        var agents = new ArrayList<AgentClient>();
        try {
            for (int i = 0; i < workers; i++) {
                var worker = admin().registerWorker("burst-" + i);
                registered.add(worker);
                agents.add(AgentClient.connect(base, worker.token()).send(Frames.hello(worker.id(), 5, 2)));
            }
            Instant t0 = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
            long seq = 0;
            for (int round = 1; round <= 20; round++) {
                seq++;
                for (int i = 0; i < workers; i++) {
                    var gpus = new ArrayList<>(List.of(Frames.BUSY.temperature(40 + round + i), Frames.IDLE.utilization(round)));
                    if (i == 0 && round >= 10) {
                        gpus.add(Frames.IDLE.at(2).temperature(30 + round)); // not announced by the hello
                    }
                    // worker 1's round 15 is stamped before everything it sent: it must change no value
                    Instant taken = i == 1 && round == 15 ? t0.minusSeconds(60) : t0.plusSeconds(5L * round);
                    agents.get(i).send(Frames.metrics(registered.get(i).id(), seq, taken, gpus, List.of()));
                }
                for (int i = 0; i < workers; i++) {
                    assertEquals("{\"type\":\"ack\",\"seq\":" + seq + "}", agents.get(i).next());
                }
            }
            // applied before the acks: no waiting
            assertEquals(database(), snapshot());
            assertTrue(snapshot().get(registered.get(0).id()).contains("gpu_index=2"), snapshot().toString());

            agents.get(3).close();
            agents.get(4).close();
            Await.until("the snapshot to show two workers offline as the database does", SETTLE,
                    () -> database().equals(snapshot()) && snapshot().values().stream().filter(w -> w.contains("status=\"offline\"")).count() == 2);

            var back = AgentClient.connect(base, registered.get(3).token()).send(Frames.hello(registered.get(3).id(), 5, 2));
            agents.set(3, back);
            back.send(Frames.metrics(registered.get(3).id(), seq + 1, t0.plusSeconds(500), Frames.BUSY.temperature(88)));
            assertEquals("{\"type\":\"ack\",\"seq\":" + (seq + 1) + "}", back.next());
            assertTrue(snapshot().get(registered.get(3).id()).contains("temperature_celsius=88"), snapshot().toString());
            Await.until("the snapshot to show the worker back online as the database does", SETTLE,
                    () -> database().equals(snapshot()) && snapshot().get(registered.get(3).id()).contains("status=\"online\""));
        } finally {
            agents.forEach(AgentClient::close);
        }
    }

    @Test
    void anotherNodesSignalMakesThisNodeReReadThoseWorkersOnly() throws Exception {
        var named = admin().registerWorker("elsewhere-named");
        var unnamed = admin().registerWorker("elsewhere-unnamed");
        Await.until("both registrations in the snapshot", SETTLE,
                () -> snapshot().containsKey(named.id()) && snapshot().containsKey(unnamed.id()));

        // what another node's hello would have written, for both; the signal names one of them
        TestDatabase.execute(DATABASE, "UPDATE workers SET hostname = 'written-elsewhere' WHERE id IN (" + named.id() + ", " + unnamed.id() + ")");
        TestDatabase.execute(DATABASE, "SELECT pg_notify('trulience_cluster', '" + Json.createObjectBuilder()
                .add("node", "another-node-0000").add("topic", "fleet.snapshot")
                .add("body", Json.createObjectBuilder().add("worker_ids", Json.createArrayBuilder().add(named.id()))).build() + "')");

        Await.until("the named worker re-read", SETTLE, () -> snapshot().get(named.id()).contains("hostname=\"written-elsewhere\""));
        assertTrue(snapshot().get(unnamed.id()).contains("hostname=null"), "not named, not re-read: " + snapshot().get(unnamed.id()));
    }

    @Test
    void aChangeHereIsSignalledToTheOtherNodesWithTheWorkersId() throws Exception {
        var worker = admin().registerWorker("signalled");
        try (var listener = DriverManager.getConnection(TestDatabase.url(TestDatabase.name(DATABASE)), TestDatabase.USER, TestDatabase.PASSWORD);
             var agent = AgentClient.connect(base, worker.token())) {
            listener.createStatement().execute("LISTEN trulience_cluster");
            agent.send(Frames.hello(worker.id(), 5, 1));
            agent.send(Frames.metrics(worker.id(), 1, Instant.now().minusSeconds(5), Frames.BUSY));
            assertEquals("{\"type\":\"ack\",\"seq\":1}", agent.next());

            var pg = listener.unwrap(PGConnection.class);
            Await.until("a fleet.snapshot signal naming worker " + worker.id(), SETTLE, () -> {
                var notifications = pg.getNotifications(1_000);
                if (notifications != null) {
                    for (var notification : notifications) {
                        var json = Json.createReader(new StringReader(notification.getParameter())).readObject();
                        if (json.getString("topic").equals("fleet.snapshot")
                                && json.getJsonObject("body").getJsonArray("worker_ids").getValuesAs(JsonValue.class).stream()
                                .anyMatch(id -> id.toString().equals(Long.toString(worker.id())))) {
                            return true;
                        }
                    }
                }
                return false;
            });
        }
    }

    /** Each worker of the current API (the snapshot) as one line of its fields, by id. */
    private Map<Long, String> snapshot() throws Exception {
        var response = admin().get("api/v1/admin/workers/metrics/current");
        assertEquals(200, response.statusCode(), response.body());
        var lines = new TreeMap<Long, String>();
        var order = new ArrayList<Long>();
        for (var worker : Json.createReader(new StringReader(response.body())).readObject().getJsonArray("workers").getValuesAs(JsonObject.class)) {
            var line = new StringBuilder();
            for (String field : List.of("id", "name", "hostname", "status", "last_seen_at")) {
                line.append(field).append('=').append(worker.get(field)).append(' ');
            }
            for (var gpu : worker.getJsonArray("gpus").getValuesAs(JsonObject.class)) {
                line.append("| ");
                for (String field : GPU_FIELDS) {
                    line.append(field).append('=').append(gpu.get(field)).append(' ');
                }
            }
            lines.put(worker.getJsonNumber("id").longValue(), line.toString());
            order.add(worker.getJsonNumber("id").longValue());
        }
        lines.put(-1L, "order=" + order);
        return lines;
    }

    private static final List<String> GPU_FIELDS = List.of("gpu_index", "name", "power_limit_watts", "recorded_at", "vram_used_mb",
            "vram_total_mb", "temperature_celsius", "utilization_percent", "power_draw_watts", "fan_speed_percent");

    /** The same lines from what CurrentFleet reads from the database. */
    private static Map<Long, String> database() throws Exception {
        var lines = new TreeMap<Long, String>();
        var order = new ArrayList<Long>();
        try (var connection = DriverManager.getConnection(TestDatabase.url(TestDatabase.name(DATABASE)), TestDatabase.USER, TestDatabase.PASSWORD)) {
            for (var worker : CurrentFleet.all(connection)) {
                var line = new StringBuilder();
                line.append("id=").append(worker.id()).append(' ')
                        .append("name=").append(text(worker.name())).append(' ')
                        .append("hostname=").append(text(worker.hostname())).append(' ')
                        .append("status=").append(text(worker.online() ? "online" : "offline")).append(' ')
                        .append("last_seen_at=").append(text(worker.lastSeenAt() == null ? null : worker.lastSeenAt().toString())).append(' ');
                for (var gpu : worker.gpus()) {
                    line.append("| ");
                    Object[] values = {gpu.gpuIndex(), text(gpu.name()), gpu.powerLimitWatts(), text(gpu.recordedAt().toString()),
                        gpu.vramUsedMb(), gpu.vramTotalMb(), gpu.temperatureCelsius(), gpu.utilizationPercent(), gpu.powerDrawWatts(),
                        gpu.fanSpeedPercent()};
                    for (int i = 0; i < values.length; i++) {
                        line.append(GPU_FIELDS.get(i)).append('=').append(values[i]).append(' ');
                    }
                }
                lines.put(worker.id(), line.toString());
                order.add(worker.id());
            }
        }
        lines.put(-1L, "order=" + order);
        return lines;
    }

    private static String text(String value) {
        return value == null ? "null" : Json.createValue(value).toString();
    }
}
