package com.trulience.alerts.control;

import com.trulience.alerts.control.Lifecycle.Condition;
import com.trulience.alerts.entity.Alert;
import com.trulience.metrics.entity.GpuEvent;
import com.trulience.metrics.entity.GpuHealth;
import com.trulience.metrics.entity.Throttle;
import com.trulience.metrics.entity.Xid;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * The GPU-health alerts, pure like {@link AlertRules}: throttling (warning after
 * {@link AlertSettings#THROTTLED_SAMPLES} throttled samples in a row, resolved after two clear ones), uncorrected ECC
 * errors and failed row remapping (critical), a pending row remap (warning), and the events: an Xid opens one
 * alert per GPU and Xid with the catalog's meaning and action, a double-bit ECC event the ECC alert, a lost GPU the
 * built-in {@code gpu_missing} alert (one alert for one lost GPU, however the agent noticed).
 * <p>
 * An Xid alert resolves once the GPU has reported samples for {@link AlertSettings#xidQuiet()} since the Xid was last
 * notified: a GPU that fell off the bus sends no samples, so its alert stays open until the node is back and healthy.
 */
final class HealthRules {

    private final Duration xidQuiet;

    HealthRules(Duration xidQuiet) {
        this.xidQuiet = xidQuiet;
    }

    /** The sample's health conditions; returns the GPU's throttle streaks after it. */
    GpuState sample(Lifecycle run, long worker, int gpu, GpuHealth health, GpuState before, Instant at) {
        int thermal = throttle(run, new AlertKey(worker, gpu, Alert.THERMAL_THROTTLE), health, Throttle.THERMAL,
                before.thermalThrottleSamples(), "thermal", at);
        int power = throttle(run, new AlertKey(worker, gpu, Alert.POWER_THROTTLE), health, Throttle.POWER,
                before.powerThrottleSamples(), "power", at);
        if (health.eccUncorrectedVolatile() != null) {
            long errors = health.eccUncorrectedVolatile();
            run.step(new AlertKey(worker, gpu, Alert.ECC_UNCORRECTED), errors > 0 ? Condition.CRITICAL : Condition.CLEAR,
                    (double) errors, null, () -> errors > 0 ? "GPU " + gpu + " reports " + errors
                            + " uncorrected ECC error(s) since the driver loaded; action: reset the GPU"
                            : "GPU " + gpu + " reports no uncorrected ECC errors", at);
        }
        if (health.remappedRowsFailure() != null) {
            boolean failed = health.remappedRowsFailure();
            run.step(new AlertKey(worker, gpu, Alert.ROW_REMAP_FAILURE), failed ? Condition.CRITICAL : Condition.CLEAR, null, null,
                    () -> failed ? "GPU " + gpu + " failed to remap a memory row; action: reset the GPU and contact support"
                            : "GPU " + gpu + " reports no row remapping failure", at);
        }
        if (health.remappedRowsPending() != null) {
            boolean pending = health.remappedRowsPending();
            run.step(new AlertKey(worker, gpu, Alert.ROW_REMAP_PENDING), pending ? Condition.WARNING : Condition.CLEAR, null, null,
                    () -> pending ? "GPU " + gpu + " has a memory row remap pending; action: reset the GPU when it is idle"
                            : "GPU " + gpu + " has no row remap pending", at);
        }
        resolveQuietXids(run, worker, gpu, at);
        return new GpuState(before.evaluatedUntil(), thermal, power);
    }

    /** Not reported (null): the streak and any open alert stay as they are. */
    private static int throttle(Lifecycle run, AlertKey key, GpuHealth health, int reasons, int streak, String what, Instant at) {
        if (health.throttleReasons() == null) {
            return streak;
        }
        if (!health.throttled(reasons)) {
            run.step(key, Condition.CLEAR, null, null, () -> "GPU " + key.gpuIndex() + " no longer " + what + " throttled", at);
            return 0;
        }
        int samples = Math.min(streak + 1, Short.MAX_VALUE);
        // Below the streak a throttled sample raises nothing yet, but it does break an open alert's recovery.
        var condition = samples >= AlertSettings.THROTTLED_SAMPLES ? Condition.WARNING : Condition.HOLD;
        String names = String.join(", ", Throttle.of(health.throttleReasons() & reasons).stream().map(Throttle::wireName).toList());
        run.step(key, condition, (double) samples, null, () -> "GPU " + key.gpuIndex() + " " + what + " throttled (" + names
                + ") for " + samples + " samples in a row: its clocks are lowered", at);
        return samples;
    }

    private void resolveQuietXids(Lifecycle run, long worker, int gpu, Instant at) {
        var quiet = new ArrayList<OpenAlert>();
        for (var alert : run.open.values()) {
            var key = alert.key();
            if (key.workerId() == worker && key.gpuIndex() != null && key.gpuIndex() == gpu && Alert.isXid(key.metricName())
                    && !at.isBefore(alert.lastNotifiedAt().plus(xidQuiet))) {
                quiet.add(alert);
            }
        }
        quiet.forEach(alert -> run.resolve(alert.key(), "GPU " + gpu + " " + Alert.label(alert.key().metricName())
                + " has not recurred for " + xidQuiet.toMinutes() + " min while the GPU reported", at));
    }

    /**
     * An event of the agent's event thread. A lost GPU raises only when nothing newer is known of it: the samples
     * applied since say whether it is still lost (the batches' lost_gpus raise gpu_missing too).
     */
    void event(Lifecycle run, GpuEvent event, GpuState state) {
        int gpu = event.gpuIndex();
        Xid meaning = event.meaning();
        var condition = meaning.severity() == Xid.Severity.CRITICAL ? Condition.CRITICAL : Condition.WARNING;
        switch (event.kind()) {
            case XID -> run.step(new AlertKey(event.workerId(), gpu, Alert.xid(event.xid())), condition,
                    (double) event.xid(), null, () -> "GPU " + gpu + " " + meaning.describe(), event.occurredAt());
            case ECC_DOUBLE_BIT -> run.step(new AlertKey(event.workerId(), gpu, Alert.ECC_UNCORRECTED), condition,
                    null, null, () -> "GPU " + gpu + " " + meaning.describe(), event.occurredAt());
            case GPU_LOST -> {
                if (!state.isLate(event.occurredAt())) {
                    run.step(new AlertKey(event.workerId(), gpu, Alert.GPU_MISSING), condition, null, null,
                            () -> "GPU " + gpu + " " + meaning.describe(), event.occurredAt());
                }
            }
        }
    }
}
