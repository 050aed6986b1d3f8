package com.trulience.agent.restart;

import com.trulience.agent.comfyui.ComfyUi;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Carries out the backend's commands one at a time on its own thread: restarts, reporting every step as a
 * {@code restart_status} frame ([waiting_for_job] -> stopping -> restarting -> completed, or failed with a reason),
 * and the milder actions of {@link Remedies} ({@code action_status} frames). One thread for both, so that a
 * free_memory never runs beside a restart of the same ComfyUI.
 *
 * <p>This agent's ALLOWED_ACTIONS and ALLOWED_SERVICES are the last word: the action must be allowed, and a name the
 * backend sends is first checked by the strict rule of {@link ServiceName}, then must equal an allow-listed name
 * exactly (case included), else nothing runs.
 */
public final class Restarter implements AutoCloseable {

    public static final int MAX_ERROR = 500;
    private static final int REMEMBERED = 256;
    static final Logger LOG = Logger.getLogger(Restarter.class.getName());

    /**
     * How long to wait for a job and for the service to come back, how often to look, and how long free_memory
     * watches the VRAM fall (FREE_MEMORY_VERIFY_SECS).
     */
    public record Timing(Duration waitMax, Duration verify, Duration poll, Duration freeMemoryVerify, Duration vramPoll) {
    }

    private final List<String> allowed;
    private final List<String> allowedActions;
    private final Remedies remedies;
    private final ServiceControl control;
    private final ComfyUi comfyUi;
    private final Timing timing;
    private final Consumer<String> statuses;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        var t = new Thread(task, "restart");
        t.setDaemon(true);
        return t;
    });
    /** Restart and action ids seen (both are ids of restart_logs), so that a command delivered twice runs once. */
    private final Set<Long> seen = new LinkedHashSet<>();

    /**
     * @param usedVramMib VRAM used now over all GPUs, as reported (empty when no GPU answers): what free_memory
     *                    watches
     */
    public Restarter(List<String> allowed, List<String> allowedActions, ServiceControl control, ComfyUi comfyUi,
            Supplier<OptionalLong> usedVramMib, Timing timing, Consumer<String> statuses) {
        this.allowed = List.copyOf(allowed);
        this.allowedActions = List.copyOf(allowedActions);
        this.remedies = new Remedies(comfyUi, usedVramMib, new Remedies.Timing(timing.freeMemoryVerify(), timing.vramPoll()),
                statuses);
        this.control = control;
        this.comfyUi = comfyUi;
        this.timing = timing;
        this.statuses = statuses;
    }

    /** Queues the command; returns at once. */
    public void accept(RestartCommand command) {
        if (firstTime(command.restartId(), "Restart")) {
            thread.execute(() -> run(command));
        }
    }

    /** Queues the action; returns at once. */
    public void accept(ActionCommand command) {
        if (firstTime(command.actionId(), "Action")) {
            thread.execute(() -> act(command));
        }
    }

    private boolean firstTime(long id, String what) {
        synchronized (seen) {
            if (!seen.add(id)) {
                LOG.info(() -> what + " " + id + " was received before; ignoring the repeat");
                return false;
            }
            if (seen.size() > REMEMBERED) {
                seen.remove(seen.iterator().next());
            }
            return true;
        }
    }

    /** Why this agent refuses the action on this service; null when it may go ahead. */
    private String refusal(String action, String serviceName) {
        if (!allowedActions.contains(action)) {
            return "refused: " + action + " is not in this agent's ALLOWED_ACTIONS " + allowedActions;
        }
        if (!ServiceName.valid(serviceName)) {
            return "refused: the service name is not " + ServiceName.RULE_TEXT;
        }
        if (!allowed.contains(serviceName)) {
            return "refused: " + serviceName + " is not in this agent's ALLOWED_SERVICES " + allowed;
        }
        return null;
    }

    void act(ActionCommand command) {
        long id = command.actionId();
        String action = command.action();
        if (!ActionCommand.FREE_MEMORY.equals(action) && !ActionCommand.INTERRUPT.equals(action)) {
            remedies.failed(id, "refused: the action is not " + ActionCommand.FREE_MEMORY + " or " + ActionCommand.INTERRUPT
                    + " (a restart comes as a restart frame)", null, null);
            return;
        }
        String refused = refusal(action, command.serviceName());
        if (refused != null) {
            remedies.failed(id, refused, null, null);
            return;
        }
        if (action.equals(ActionCommand.INTERRUPT) && !command.force()) {
            remedies.failed(id, "interrupt needs force: it stops the running job", null, null);
            return;
        }
        LOG.info(() -> "Action " + id + " " + action + " of " + command.serviceName() + (command.force() ? " (forced)" : "")
                + " requested" + (command.reason() == null ? "" : ": " + oneLine(command.reason(), 200)));
        try {
            if (action.equals(ActionCommand.FREE_MEMORY)) {
                remedies.freeMemory(id);
            } else {
                remedies.interrupt(id);
            }
        } catch (ServiceControl.Failed e) {
            remedies.failed(id, e.getMessage(), null, null);
        } catch (RuntimeException e) {
            remedies.failed(id, "unexpected: " + e, null, null);
        }
    }

    void run(RestartCommand command) {
        long id = command.restartId();
        String raw = command.serviceName();
        String refused = refusal(ActionCommand.RESTART, raw);
        if (refused != null) {
            failed(id, refused);
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
