package com.trulience.agent.collect;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The NVML reads a GPU or driver may not give: each is null where NVML answers NOT_SUPPORTED or
 * NO_PERMISSION or lacks the call, logged once for any other failure. Single-threaded like
 * sampling: the by-reference holders are reused, since allocating native memory per read would
 * cost more than the read.
 */
final class OptionalReads {

    private static final Logger LOG = Logger.getLogger(OptionalReads.class.getName());
    private static final int SUCCESS = NvmlReturn.SUCCESS.code;

    enum Metric {
        POWER, POWER_LIMIT, FAN, SM_CLOCK, MAX_SM_CLOCK, SLOWDOWN_TEMPERATURE, SHUTDOWN_TEMPERATURE,
        MEMORY_TEMPERATURE, CLOCKS_EVENT_REASONS, ECC_UNCORRECTED_VOLATILE, REMAPPED_ROWS, PCIE_REPLAY
    }

    private final Nvml nvml;
    private final Set<Metric> missingSymbols = EnumSet.noneOf(Metric.class);
    private final Set<String> loggedOnce = new HashSet<>();
    /** Drivers before 535 know the clock-event reasons only by their deprecated throttle name. */
    private boolean reasonsByOldName;
    private boolean gpuLost;
    private final IntByReference value = new IntByReference();
    private final IntByReference unused = new IntByReference();
    private final IntByReference pending = new IntByReference();
    private final IntByReference failure = new IntByReference();
    private final LongByReference wide = new LongByReference();
    private final Nvml.FieldValue field = new Nvml.FieldValue();

    OptionalReads(Nvml nvml) {
        this.nvml = nvml;
    }

    /** Raw milliwatts. */
    Integer power(int index, Pointer handle) {
        return read(Metric.POWER, index, handle) ? value.getValue() : null;
    }

    /** Raw milliwatts. */
    Integer powerLimit(int index, Pointer handle) {
        return read(Metric.POWER_LIMIT, index, handle) ? value.getValue() : null;
    }

    Integer fanPercent(int index, Pointer handle) {
        return read(Metric.FAN, index, handle) ? Units.unsigned(value.getValue()) : null;
    }

    Integer maxSmClockMhz(int index, Pointer handle) {
        return read(Metric.MAX_SM_CLOCK, index, handle) ? Units.unsigned(value.getValue()) : null;
    }

    Integer slowdownCelsius(int index, Pointer handle) {
        return read(Metric.SLOWDOWN_TEMPERATURE, index, handle) ? Units.unsigned(value.getValue()) : null;
    }

    Integer shutdownCelsius(int index, Pointer handle) {
        return read(Metric.SHUTDOWN_TEMPERATURE, index, handle) ? Units.unsigned(value.getValue()) : null;
    }

    GpuHealth health(int index, Pointer handle) {
        Integer smClock = read(Metric.SM_CLOCK, index, handle) ? Units.unsigned(value.getValue()) : null;
        Integer memoryCelsius = read(Metric.MEMORY_TEMPERATURE, index, handle) ? memoryCelsius() : null;
        var reasons = read(Metric.CLOCKS_EVENT_REASONS, index, handle) ? GpuHealth.throttleReasons(wide.getValue()) : null;
        Long ecc = read(Metric.ECC_UNCORRECTED_VOLATILE, index, handle) ? wide.getValue() : null;
        boolean remap = read(Metric.REMAPPED_ROWS, index, handle);
        Long replays = read(Metric.PCIE_REPLAY, index, handle) ? Integer.toUnsignedLong(value.getValue()) : null;
        return new GpuHealth(smClock, memoryCelsius, reasons, ecc, remap ? pending.getValue() != 0 : null,
                remap ? failure.getValue() != 0 : null, replays);
    }

    /** Whether a read since the last call answered GPU_IS_LOST; clears it. */
    boolean takeGpuLost() {
        boolean lost = gpuLost;
        gpuLost = false;
        return lost;
    }

    private Integer memoryCelsius() {
        Long celsius = field.wholeNumber();
        return celsius == null || celsius < 0 || celsius > Short.MAX_VALUE ? null : celsius.intValue();
    }

    /** True when the metric's holders carry a fresh value. */
    private boolean read(Metric metric, int index, Pointer handle) {
        if (missingSymbols.contains(metric)) {
            return false;
        }
        int rc;
        try {
            rc = call(metric, handle);
        } catch (UnsatisfiedLinkError e) {
            if (metric == Metric.CLOCKS_EVENT_REASONS && !reasonsByOldName) {
                reasonsByOldName = true;
                return read(metric, index, handle);
            }
            // Looking a missing symbol up again every sample would cost an exception each time.
            missingSymbols.add(metric);
            LOG.info(() -> "This NVIDIA driver has no call for " + name(metric) + ": it is reported as null");
            return false;
        }
        if (rc == SUCCESS) {
            return true;
        }
        var code = NvmlReturn.of(rc);
        if (code == NvmlReturn.GPU_IS_LOST) {
            gpuLost = true;
        } else if (code != NvmlReturn.NOT_SUPPORTED && code != NvmlReturn.NO_PERMISSION
                && loggedOnce.add(index + metric.name() + rc)) {
            LOG.warning(() -> "GPU " + index + " gave no " + name(metric) + " (" + code.describe() + "): reported as null");
        }
        return false;
    }

    private int call(Metric metric, Pointer handle) {
        return switch (metric) {
            case POWER -> nvml.nvmlDeviceGetPowerUsage(handle, value);
            case POWER_LIMIT -> nvml.nvmlDeviceGetEnforcedPowerLimit(handle, value);
            case FAN -> nvml.nvmlDeviceGetFanSpeed(handle, value);
            case SM_CLOCK -> nvml.nvmlDeviceGetClockInfo(handle, Nvml.CLOCK_SM, value);
            case MAX_SM_CLOCK -> nvml.nvmlDeviceGetMaxClockInfo(handle, Nvml.CLOCK_SM, value);
            case SLOWDOWN_TEMPERATURE -> nvml.nvmlDeviceGetTemperatureThreshold(handle,
                    Nvml.TEMPERATURE_THRESHOLD_SLOWDOWN, value);
            case SHUTDOWN_TEMPERATURE -> nvml.nvmlDeviceGetTemperatureThreshold(handle,
                    Nvml.TEMPERATURE_THRESHOLD_SHUTDOWN, value);
            case MEMORY_TEMPERATURE -> {
                int rc = nvml.nvmlDeviceGetFieldValues(handle, 1, field.prepare(Nvml.FI_DEV_MEMORY_TEMP));
                // The call succeeds when it could look at the field; whether the field has a value is its own code.
                yield rc == SUCCESS ? field.returnCode() : rc;
            }
            case CLOCKS_EVENT_REASONS -> reasonsByOldName
                    ? nvml.nvmlDeviceGetCurrentClocksThrottleReasons(handle, wide)
                    : nvml.nvmlDeviceGetCurrentClocksEventReasons(handle, wide);
            case ECC_UNCORRECTED_VOLATILE -> nvml.nvmlDeviceGetTotalEccErrors(handle, Nvml.MEMORY_ERROR_TYPE_UNCORRECTED,
                    Nvml.VOLATILE_ECC, wide);
            case REMAPPED_ROWS -> nvml.nvmlDeviceGetRemappedRows(handle, value, unused, pending, failure);
            case PCIE_REPLAY -> nvml.nvmlDeviceGetPcieReplayCounter(handle, value);
        };
    }

    private static String name(Metric metric) {
        return metric.name().toLowerCase();
    }
}
