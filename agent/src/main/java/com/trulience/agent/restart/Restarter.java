package com.trulience.agent.restart;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Carries out the backend's restart commands one at a time on its own thread, reporting every step as a
 * {@code restart_status} frame: [waiting_for_job] -> stopping -> restarting -> completed, or failed with a reason.
 *
 * <p>This agent's ALLOWED_SERVICES is the last word: a name the backend sends is first checked by the strict
 * rule of {@link ServiceName}, then must equal an allow-listed name exactly (case included), else nothing runs.
 */
public final class Restarter implements AutoCloseable {

    public static final int MAX_ERROR = 500;
    private static final int REMEMBERED = 256;
    private static final Logger LOG = Logger.getLogger(Restarter.class.getName());

    /** How long to wait for a job and for the service to come back, and how often to look. */
    public record Timing(Duration waitMax, Duration verify, Duration poll) {
    }

    private final List<String> allowed;
    private final ServiceControl control;
    private final ComfyUi comfyUi;
    private final Timing timing;
    private final Consumer<String> statuses;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        var t = new Thread(task, "restart");
        t.setDaemon(true);
        return t;
    });
    /** Restart ids seen, so that a command delivered twice runs once. */
    private final Set<Long> seen = new LinkedHashSet<>();

    public Restarter(List<String> allowed, ServiceControl control, ComfyUi comfyUi, Timing timing,
            Consumer<String> statuses) {
        this.allowed = List.copyOf(allowed);
        this.control = control;
        this.comfyUi = comfyUi;
        this.timing = timing;
        this.statuses = statuses;
    }

    /** Queues the command; returns at once. */
    public void accept(RestartCommand command) {
        synchronized (seen) {
            if (!seen.add(command.restartId())) {
                LOG.info(() -> "Restart " + command.restartId() + " was received before; ignoring the repeat");
                return;
            }
            if (seen.size() > REMEMBERED) {
                seen.remove(seen.iterator().next());
            }
        }
        thread.execute(() -> run(command));
    }

    void run(RestartCommand command) {
        long id = command.restartId();
        String raw = command.serviceName();
        if (!ServiceName.valid(raw)) {
            failed(id, "refused: the service name is not " + ServiceName.RULE_TEXT);
            return;
        }
        if (!allowed.contains(raw)) {
            failed(id, "refused: " + raw + " is not in this agent's ALLOWED_SERVICES " + allowed);
            return;
        }
        var service = new ServiceName(raw);
        LOG.info(() -> "Restart " + id + " of " + service + (command.force() ? " (forced)" : "") + " requested"
                + (command.reason() == null ? "" : ": " + oneLine(command.reason(), 200)));
        try {
            if (!command.force() && !waitForIdle(id)) {
                return;
            }
            boolean comfyAnswered = comfyUi.answers();
            status(id, "stopping", null);
            control.restart(service);
            status(id, "restarting", null);
            verify(id, service, comfyAnswered);
        } catch (ServiceControl.Failed e) {
            failed(id, e.getMessage());
        } catch (RuntimeException e) {
            failed(id, "unexpected: " + e);
        }
    }

    /** False when the job outlasted RESTART_WAIT_MAX_SECS (then the restart has failed). */
    private boolean waitForIdle(long id) {
        long deadline = System.nanoTime() + timing.waitMax().toNanos();
        boolean waiting = false;
        while (comfyUi.busy()) {
            if (!waiting) {
                status(id, "waiting_for_job", null);
                waiting = true;
            }
            if (System.nanoTime() > deadline) {
                failed(id, "job still running after " + timing.waitMax().toSeconds() + " s (RESTART_WAIT_MAX_SECS);"
                        + " restart with force to interrupt it");
                return false;
            }
            WindowsServices.sleep(timing.poll());
        }
        return true;
    }

    private void verify(long id, ServiceName service, boolean comfyAnswered) {
        long deadline = System.nanoTime() + timing.verify().toNanos();
        while (true) {
            boolean active = control.active(service);
            if (active && (!comfyAnswered || comfyUi.answers())) {
                status(id, "completed", null);
                return;
            }
            if (System.nanoTime() > deadline) {
                failed(id, active
                        ? service + " is active but ComfyUI's /system_stats did not answer within " + timing.verify().toSeconds() + " s"
                        : service + " is not active " + timing.verify().toSeconds() + " s after the restart");
                return;
            }
            WindowsServices.sleep(timing.poll());
        }
    }

    private void failed(long id, String error) {
        status(id, "failed", oneLine(error, MAX_ERROR));
    }

    private void status(long id, String status, String error) {
        LOG.info(() -> "Restart " + id + ": " + status + (error == null ? "" : " (" + error + ")"));
        statuses.accept(frame(id, status, error));
    }

    static String frame(long restartId, String status, String error) {
        var out = new StringWriter(128);
        try (JsonGenerator json = Json.createGenerator(out)) {
            json.writeStartObject().write("type", "restart_status").write("restart_id", restartId).write("status", status);
            if (error == null) {
                json.writeNull("error_message");
            } else {
                json.write("error_message", error);
            }
            json.writeEnd();
        }
        return out.toString();
    }

    /** Control characters (a newline from systemctl's output) become spaces; long text is cut. */
    static String oneLine(String text, int max) {
        String line = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max - 1) + "…";
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
