package com.trulience.agents.control;

import com.trulience.platform.control.JsonP;
import com.trulience.metrics.control.BatchWriter;
import com.trulience.metrics.control.GpuEvents;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.GpuEventStored;
import com.trulience.metrics.entity.MetricsBatch;
import com.trulience.platform.control.BackendFigures;
import com.trulience.restarts.control.RestartLogs;
import com.trulience.restarts.control.StatusRefused;
import com.trulience.restarts.entity.RestartChanged;
import com.trulience.workers.control.WorkerRegistry;
import com.trulience.workers.entity.WorkerCameOnline;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One frame from an agent, start to finish: parse, check it against the token's worker, hand it on, answer.
 * Invalid frames get an {@code error} frame and the socket stays open; a frame that claims another worker's
 * identity closes it (1008), and so does sending more than the worker's {@link FrameBudget}.
 */
@ApplicationScoped
public class AgentProtocol {

    private static final Logger LOG = Logger.getLogger(AgentProtocol.class.getName());
    /** Logged once per socket, not once per batch. */
    private static final String CLOCK_WARNED = AgentProtocol.class.getName() + ".clockWarned";
    private static final JsonProvider JSON = JsonP.PROVIDER;

    @Inject
    BatchWriter writer;

    @Resource
    ManagedThreadFactory threads;

    /**
     * Its own threads: Payara's default managed executor runs one thread (core size 0), shared with asynchronous
     * events such as the alert evaluation. Bounded by the frame budget: at most 256 batches per worker wait for an ack.
     */
    private ExecutorService answers;

    /**
     * Hands batches over the worker's rate to storage once their turn comes. Not the default managed scheduler: a
     * hand-off waits up to 5 s while the write queue is full, and that scheduler runs the dashboards' pushes.
     * Bounded by the frame budget like the answers.
     */
    private ScheduledExecutorService paced;

    @Inject
    WorkerRegistry registry;

    @Inject
    Event<WorkerCameOnline> cameOnline;

    @Inject
    GpuEvents events;

    @Inject
    Event<GpuEventStored> eventStored;

    @Inject
    RestartLogs restartLogs;

    @Inject
    Event<RestartChanged> restartChanged;

    @Inject
    @ConfigProperty(name = "hourly.retention.days", defaultValue = "90")
    int hourlyRetentionDays;

    @Inject
    BackendFigures figures;

    private Counter frames;
    private Histogram ackLatency;

    @PostConstruct
    void start() {
        answers = Executors.newFixedThreadPool(2, threads);
        paced = Executors.newSingleThreadScheduledExecutor(threads);
        frames = figures.register(Counter.builder().name("trulience_backend_frames_ingested")
                .help("Frames received from agents on this node, by type; invalid: answered with an error frame")
                .labelNames("type").withoutExemplars());
        ackLatency = figures.register(Histogram.builder().name("trulience_backend_ack_latency_seconds")
                .help("From a gpu_metrics frame's arrival to its ack, after its rows were committed")
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .withoutExemplars());
    }

    @PreDestroy
    void stop() {
        answers.shutdownNow();
        paced.shutdownNow();
    }

    /** By worker, for as long as the node runs: a reconnect does not refill the bucket. */
    private final Map<Long, FrameBudget> budgets = new ConcurrentHashMap<>();

    public void handle(long workerId, String text, Session session) {
        var budget = budgets.computeIfAbsent(workerId, id -> new FrameBudget(System::nanoTime));
        var refused = budget.admit();
        if (refused.isPresent()) {
            AgentSessions.close(session, CloseCodes.VIOLATED_POLICY, refused.get());
            return;
        }
        Long seq = null;
        boolean batch = false;
        try {
            JsonObject json = FrameParser.read(text);
            seq = seqOf(json);
            var claimed = FrameParser.claimedWorker(json);
            if (claimed.isPresent() && claimed.getAsLong() != workerId) {
                AgentSessions.close(session, CloseCodes.VIOLATED_POLICY, "worker_id does not match the token");
                return;
            }
            String type = FrameParser.type(json);
            switch (type) {
                case "hello" -> hello(workerId, json);
                case "gpu_metrics" -> {
                    metrics(json, session, budget);
                    batch = true;
                }
                case "gpu_event" -> event(workerId, json, session);
                case "action_status" -> actionStatus(workerId, json);
                default -> restartStatus(workerId, json);
            }
            frames.labelValues(type).inc();
        } catch (InvalidFrame invalid) {
            frames.labelValues("invalid").inc();
            LOG.fine(() -> "worker " + workerId + " sent an invalid frame: " + invalid.getMessage());
            send(session, error(seq, invalid.code(), invalid.getMessage(), invalid.field()));
        } finally {
            if (!batch) {
                budget.notABatch();
            }
        }
    }

    private void hello(long workerId, JsonObject json) {
        if (registry.hello(FrameParser.hello(json))) {
            cameOnline.fireAsync(new WorkerCameOnline(workerId));
        }
    }

    /** Committed before the event fires, so observers read the new state; a refusal is answered like a bad field. */
    private void restartStatus(long workerId, JsonObject json) {
        try {
            restartLogs.advance(workerId, FrameParser.restartStatus(json)).ifPresent(restartChanged::fireAsync);
        } catch (StatusRefused refused) {
            throw new InvalidFrame(refused.field(), refused.getMessage());
        }
    }

    private void actionStatus(long workerId, JsonObject json) {
        try {
            restartLogs.advanceAction(workerId, FrameParser.actionStatus(json)).ifPresent(restartChanged::fireAsync);
        } catch (StatusRefused refused) {
            throw new InvalidFrame(refused.field(), refused.getMessage());
        }
    }

    private void metrics(JsonObject json, Session session, FrameBudget budget) {
        long arrived = System.nanoTime();
        var now = Instant.now();
        MetricsBatch batch = FrameParser.metrics(json, now, now.minus(Duration.ofDays(hourlyRetentionDays)));
        if (batch.clockCorrected() && session.getUserProperties().putIfAbsent(CLOCK_WARNED, true) == null) {
            LOG.warning(() -> "worker " + batch.workerId() + "'s clock is " + batch.clockOffsetMs() / 1000 + " s ahead of this "
                    + "backend's; its batches are stored at the time they arrive (clock_corrected) until NTP corrects it");
        }
        long delay = budget.takeBatch();
        if (delay == 0) {
            store(batch, session, budget, arrived);
        } else {
            paced.schedule(() -> store(batch, session, budget, arrived), delay, TimeUnit.NANOSECONDS);
        }
    }

    private void store(MetricsBatch batch, Session session, FrameBudget budget, long arrived) {
        if (!session.isOpen()) {
            // Closed while the batch waited for its turn: its ack could not arrive, and the agent sends it again.
            budget.batchDone();
            return;
        }
        // Answered on another thread than the writer's: a socket that is slow or broken must never hold up the write path.
        writer.submit(batch).whenCompleteAsync((committed, failure) -> {
            budget.batchDone();
            if (failure == null) {
                send(session, ack(batch));
                ackLatency.observe((System.nanoTime() - arrived) / 1e9);
            } else {
                // Not an error frame: the agent would drop the batch. Closing makes it reconnect and send it again.
                AgentSessions.close(session, CloseCodes.TRY_AGAIN_LATER, "could not store the batch, send it again later");
            }
        }, answers);
    }

    /**
     * Events are rare: stored at once, not through the group commit. Acked after the commit; a replay of a stored
     * event is acked too (the agent can forget it) but alerts nothing again.
     */
    private void event(long workerId, JsonObject json, Session session) {
        var now = Instant.now();
        GpuEvent event = FrameParser.event(workerId, json, now, now.minus(Duration.ofDays(hourlyRetentionDays)));
        boolean stored;
        try {
            stored = events.store(event);
        } catch (RuntimeException e) {
            LOG.warning(() -> "Could not store a GPU event of worker " + workerId + "; its agent will send it again: " + e);
            AgentSessions.close(session, CloseCodes.TRY_AGAIN_LATER, "could not store the event, send it again later");
            return;
        }
        send(session, "{\"type\":\"ack\",\"seq\":" + event.seq() + "}");
        if (stored) {
            eventStored.fireAsync(new GpuEventStored(event));
        }
    }

    /** The ack tells an agent whose clock runs fast by how much: DESIGN.md's ack, plus {@code clock_offset_ms}. */
    private static String ack(MetricsBatch batch) {
        if (!batch.clockCorrected()) {
            return "{\"type\":\"ack\",\"seq\":" + batch.seq() + "}";
        }
        return "{\"type\":\"ack\",\"seq\":" + batch.seq() + ",\"clock_offset_ms\":" + batch.clockOffsetMs() + "}";
    }

    private static Long seqOf(JsonObject json) {
        var seq = json.get("seq");
        return seq instanceof JsonNumber number && number.isIntegral() ? number.longValue() : null;
    }

    private static String error(Long seq, String code, String message, String field) {
        var frame = JSON.createObjectBuilder().add("type", "error");
        if (seq == null) {
            frame.addNull("seq");
        } else {
            frame.add("seq", seq);
        }
        frame.add("code", code).add("message", message);
        if (field != null) {
            frame.add("field", field);
        }
        return frame.build().toString();
    }

    /**
     * Sends are serialized per socket: acks come from writer threads while the socket's own thread may answer too.
     * Payara 6.2025.10 captures the thread's context for Tyrus' idle timer on every send, and that capture runs a
     * ServiceLoader scan of the context class loader's jars each time (measured: a third of ingestion's CPU).
     * The send itself needs no application context, so it runs with the JDK's platform loader, which scans fast.
     */
    static void send(Session session, String text) {
        if (!session.isOpen()) {
            return;
        }
        var thread = Thread.currentThread();
        var applicationLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            synchronized (session) {
                session.getAsyncRemote().sendText(text);
            }
        } finally {
            thread.setContextClassLoader(applicationLoader);
        }
    }
}
