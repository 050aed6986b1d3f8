package com.trulience.agent.collect;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * NVML answered in Java for SIMULATE_GPUS: demos and load tests on machines without GPUs.
 * Sitting in place of the native library, the simulated GPUs take the same path as real ones
 * from here on. Values drift slowly (periods of minutes) and stay plausible; odd-numbered
 * GPUs have no fan, like passively cooled data-centre cards, and no memory temperature sensor,
 * like GDDR cards. A GPU running hot (from 74 C) reports software thermal slowdown, one near its
 * power limit the software power cap. SIMULATE_XID schedules Xids, delivered through the event set
 * as the driver would. Each GPU's VRAM is held, 90 % of it, by one compute process: the agent itself, so that
 * its name, unit and user come from the real process table. One piece beyond the usual size: it answers
 * one interface.
 */
public final class SimulatedNvml implements Nvml {

    static final long TOTAL_BYTES = 48L << 30;
    static final int POWER_LIMIT_MILLIWATTS = 350_000;
    static final int MAX_SM_CLOCK_MHZ = 2520;
    static final int IDLE_SM_CLOCK_MHZ = 210;
    static final int SLOWDOWN_CELSIUS = 88;
    static final int SHUTDOWN_CELSIUS = 93;
    static final int THERMAL_SLOWDOWN_FROM_CELSIUS = 74;

    /** GPU {@code gpuIndex} reports Xid {@code xid} once, {@code after} the simulation started (SIMULATE_XID). */
    public record Xid(int gpuIndex, int xid, Duration after) {
    }

    private final int count;
    private final LongSupplier clockMillis;
    private final long startMillis;
    private final List<Xid> pendingXids;
    private volatile int initDepth;

    public SimulatedNvml(int count) {
        this(count, List.of());
    }

    public SimulatedNvml(int count, List<Xid> xids) {
        this(count, xids, System::currentTimeMillis);
    }

    SimulatedNvml(int count, LongSupplier clockMillis) {
        this(count, List.of(), clockMillis);
    }

    SimulatedNvml(int count, List<Xid> xids, LongSupplier clockMillis) {
        this.count = count;
        this.clockMillis = clockMillis;
        this.startMillis = clockMillis.getAsLong();
        this.pendingXids = new ArrayList<>(xids);
    }

    /** A slow wave in [0, 1], shifted per GPU so that they do not move in step. */
    private double wave(Pointer device, double periodSeconds) {
        double seconds = clockMillis.getAsLong() / 1000.0;
        return 0.5 + 0.5 * Math.sin(2 * Math.PI * seconds / periodSeconds + 1.7 * index(device));
    }

    private static int index(Pointer device) {
        return (int) Pointer.nativeValue(device) - 1;
    }

    private int check(Pointer device) {
        if (initDepth == 0) {
            return NvmlReturn.UNINITIALIZED.code;
        }
        int index = device == null ? -1 : index(device);
        return index >= 0 && index < count ? NvmlReturn.SUCCESS.code : NvmlReturn.INVALID_ARGUMENT.code;
    }

    private double utilization(Pointer device) {
        return 0.05 + 0.9 * wave(device, 600);
    }

    private int celsius(Pointer device) {
        return (int) Math.round(38 + 40 * utilization(device));
    }

    private int milliwatts(Pointer device) {
        return (int) (POWER_LIMIT_MILLIWATTS * (0.15 + 0.8 * utilization(device)));
    }

    private static int copy(String value, byte[] out, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length + 1 > Math.min(length, out.length)) {
            return NvmlReturn.INSUFFICIENT_SIZE.code;
        }
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        out[bytes.length] = 0;
        return NvmlReturn.SUCCESS.code;
    }

    @Override
    public int nvmlInit_v2() {
        initDepth++;
        return NvmlReturn.SUCCESS.code;
    }

    @Override
    public int nvmlShutdown() {
        if (initDepth == 0) {
            return NvmlReturn.UNINITIALIZED.code;
        }
        initDepth--;
        return NvmlReturn.SUCCESS.code;
    }

    @Override
    public String nvmlErrorString(int result) {
        return NvmlReturn.of(result).name();
    }

    @Override
    public int nvmlSystemGetDriverVersion(byte[] version, int length) {
        return copy("simulated", version, length);
    }

    @Override
    public int nvmlDeviceGetCount_v2(IntByReference deviceCount) {
        deviceCount.setValue(count);
        return NvmlReturn.SUCCESS.code;
    }

    @Override
    public int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device) {
        if (index < 0 || index >= count) {
            return NvmlReturn.INVALID_ARGUMENT.code;
        }
        // Never dereferenced: an opaque handle, as NVML's are.
        device.setValue(new Pointer(index + 1L));
        return NvmlReturn.SUCCESS.code;
    }

    @Override
    public int nvmlDeviceGetName(Pointer device, byte[] name, int length) {
        int rc = check(device);
        return rc != 0 ? rc : copy("Simulated GPU " + index(device) + " (SIMULATE_GPUS, not real)", name, length);
    }

    @Override
    public int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length) {
        int rc = check(device);
        return rc != 0 ? rc : copy(String.format("GPU-51a7e000-0000-4000-8000-%012d", index(device)), uuid, length);
    }

    @Override
    public int nvmlDeviceGetMemoryInfo(Pointer device, MemoryInfo memory) {
        int rc = check(device);
        if (rc == 0) {
            memory.total = TOTAL_BYTES;
            memory.used = usedBytes(device);
            memory.free = memory.total - memory.used;
            memory.write();
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetMemoryInfo_v2(Pointer device, MemoryInfoV2 memory) {
        int rc = check(device);
        if (rc == 0) {
            memory.total = TOTAL_BYTES;
            memory.reserved = 0;
            memory.used = usedBytes(device);
            memory.free = memory.total - memory.used;
            memory.write();
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference celsius) {
        int rc = check(device);
        if (rc == 0) {
            celsius.setValue(celsius(device));
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetTemperatureV(Pointer device, Temperature temperature) {
        var celsius = new IntByReference();
        int rc = nvmlDeviceGetTemperature(device, temperature.sensorType, celsius);
        temperature.temperature = celsius.getValue();
        return rc;
    }

    @Override
    public int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization) {
        int rc = check(device);
        if (rc == 0) {
            utilization.gpu = (int) Math.round(100 * utilization(device));
            utilization.memory = (int) Math.round(60 * utilization(device));
            utilization.write();
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts) {
        int rc = check(device);
        if (rc == 0) {
            milliwatts.setValue(milliwatts(device));
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts) {
        int rc = check(device);
        if (rc == 0) {
            milliwatts.setValue(POWER_LIMIT_MILLIWATTS);
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetFanSpeed(Pointer device, IntByReference percent) {
        int rc = check(device);
        if (rc != 0) {
            return rc;
        }
        if (index(device) % 2 == 1) {
            return NvmlReturn.NOT_SUPPORTED.code;
        }
        percent.setValue((int) Math.round(30 + 50 * utilization(device)));
        return rc;
    }

    @Override
    public int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference mhz) {
        int rc = check(device);
        if (rc == 0) {
            mhz.setValue((int) Math.round(IDLE_SM_CLOCK_MHZ + (MAX_SM_CLOCK_MHZ - IDLE_SM_CLOCK_MHZ) * utilization(device)));
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetMaxClockInfo(Pointer device, int clockType, IntByReference mhz) {
        int rc = check(device);
        if (rc == 0) {
            mhz.setValue(MAX_SM_CLOCK_MHZ);
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetTemperatureThreshold(Pointer device, int thresholdType, IntByReference celsius) {
        int rc = check(device);
        if (rc != 0) {
            return rc;
        }
        switch (thresholdType) {
            case TEMPERATURE_THRESHOLD_SLOWDOWN -> celsius.setValue(SLOWDOWN_CELSIUS);
            case TEMPERATURE_THRESHOLD_SHUTDOWN -> celsius.setValue(SHUTDOWN_CELSIUS);
            default -> {
                return NvmlReturn.NOT_SUPPORTED.code;
            }
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetCurrentClocksEventReasons(Pointer device, LongByReference reasons) {
        int rc = check(device);
        if (rc == 0) {
            long bits = utilization(device) < 0.1 ? 0x1L : 0;
            bits |= celsius(device) >= THERMAL_SLOWDOWN_FROM_CELSIUS ? 0x20L : 0;
            bits |= milliwatts(device) >= 0.9 * POWER_LIMIT_MILLIWATTS ? 0x4L : 0;
            reasons.setValue(bits);
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetCurrentClocksThrottleReasons(Pointer device, LongByReference reasons) {
        return nvmlDeviceGetCurrentClocksEventReasons(device, reasons);
    }

    @Override
    public int nvmlDeviceGetTotalEccErrors(Pointer device, int errorType, int counterType, LongByReference count) {
        int rc = check(device);
        if (rc == 0) {
            count.setValue(0);
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetRemappedRows(Pointer device, IntByReference correctableRows, IntByReference uncorrectableRows,
            IntByReference isPending, IntByReference failureOccurred) {
        int rc = check(device);
        if (rc == 0) {
            correctableRows.setValue(0);
            uncorrectableRows.setValue(0);
            isPending.setValue(0);
            failureOccurred.setValue(0);
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetPcieReplayCounter(Pointer device, IntByReference count) {
        int rc = check(device);
        if (rc == 0) {
            count.setValue(0);
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetFieldValues(Pointer device, int valueCount, FieldValue values) {
        int rc = check(device);
        if (rc != 0) {
            return rc;
        }
        values.read();
        values.valueType = FieldValue.UNSIGNED_INT;
        if (values.fieldId != FI_DEV_MEMORY_TEMP || index(device) % 2 == 1) {
            values.nvmlReturn = NvmlReturn.NOT_SUPPORTED.code;
        } else {
            values.nvmlReturn = NvmlReturn.SUCCESS.code;
            values.value = celsius(device) + 6;
        }
        values.write();
        return rc;
    }

    private long usedBytes(Pointer device) {
        return (long) (TOTAL_BYTES * (0.2 + 0.6 * wave(device, 1800)));
    }

    @Override
    public int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, IntByReference infoCount, Pointer infos) {
        int rc = check(device);
        if (rc != 0) {
            return rc;
        }
        if (infoCount.getValue() < 1 || infos == null) {
            infoCount.setValue(1);
            return NvmlReturn.INSUFFICIENT_SIZE.code;
        }
        infoCount.setValue(1);
        infos.setInt(PROCESS_INFO_PID, (int) ProcessHandle.current().pid());
        infos.setLong(PROCESS_INFO_USED_MEMORY, usedBytes(device) / 10 * 9);
        infos.setLong(16, -1L); // no MIG: both instance ids 0xFFFFFFFF
        return rc;
    }

    @Override
    public int nvmlDeviceGetGraphicsRunningProcesses_v3(Pointer device, IntByReference infoCount, Pointer infos) {
        int rc = check(device);
        if (rc == 0) {
            infoCount.setValue(0);
        }
        return rc;
    }

    /** Later drivers keep R470's calls beside the _v3 ones, answering alike. */
    @Override
    public int nvmlDeviceGetComputeRunningProcesses_v2(Pointer device, IntByReference infoCount, Pointer infos) {
        return nvmlDeviceGetComputeRunningProcesses_v3(device, infoCount, infos);
    }

    @Override
    public int nvmlDeviceGetGraphicsRunningProcesses_v2(Pointer device, IntByReference infoCount, Pointer infos) {
        return nvmlDeviceGetGraphicsRunningProcesses_v3(device, infoCount, infos);
    }

    @Override
    public int nvmlDeviceGetProcessUtilization(Pointer device, Pointer utilization, IntByReference processSamplesCount,
            long lastSeenTimeStamp) {
        int rc = check(device);
        if (rc != 0) {
            return rc;
        }
        if (processSamplesCount.getValue() < 1 || utilization == null) {
            processSamplesCount.setValue(1);
            return NvmlReturn.INSUFFICIENT_SIZE.code;
        }
        long now = clockMillis.getAsLong() * 1000;
        if (now <= lastSeenTimeStamp) {
            return NvmlReturn.NOT_FOUND.code;
        }
        processSamplesCount.setValue(1);
        utilization.setInt(PROCESS_UTILIZATION_PID, (int) ProcessHandle.current().pid());
        utilization.setLong(PROCESS_UTILIZATION_TIMESTAMP, now);
        utilization.setInt(PROCESS_UTILIZATION_SM, (int) Math.round(100 * utilization(device)));
        utilization.setInt(PROCESS_UTILIZATION_MEMORY, (int) Math.round(60 * utilization(device)));
        utilization.setLong(24, 0L);
        return rc;
    }

    /** One event set is all the agent makes; its handle is never dereferenced. */
    @Override
    public int nvmlEventSetCreate(PointerByReference set) {
        if (initDepth == 0) {
            return NvmlReturn.UNINITIALIZED.code;
        }
        set.setValue(new Pointer(0xE7E7L));
        return NvmlReturn.SUCCESS.code;
    }

    @Override
    public int nvmlDeviceRegisterEvents(Pointer device, long eventTypes, Pointer set) {
        int rc = check(device);
        return rc != 0 || eventTypes == EVENT_TYPE_XID_CRITICAL_ERROR ? rc : NvmlReturn.NOT_SUPPORTED.code;
    }

    /** Delivers the scripted Xids when due, sleeping until the next one or the timeout. */
    @Override
    public int nvmlEventSetWait_v2(Pointer set, EventData data, int timeoutMillis) {
        if (initDepth == 0) {
            return NvmlReturn.UNINITIALIZED.code;
        }
        long elapsed = clockMillis.getAsLong() - startMillis;
        long nextDue = Long.MAX_VALUE;
        synchronized (pendingXids) {
            for (Xid xid : pendingXids) {
                long due = xid.after().toMillis();
                if (due <= elapsed && xid.gpuIndex() < count) {
                    pendingXids.remove(xid);
                    data.device = new Pointer(xid.gpuIndex() + 1L);
                    data.eventType = EVENT_TYPE_XID_CRITICAL_ERROR;
                    data.eventData = xid.xid();
                    data.gpuInstanceId = -1;
                    data.computeInstanceId = -1;
                    data.write();
                    return NvmlReturn.SUCCESS.code;
                }
                nextDue = Math.min(nextDue, due);
            }
        }
        try {
            Thread.sleep(Math.max(1, Math.min(Integer.toUnsignedLong(timeoutMillis), nextDue - elapsed)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return NvmlReturn.TIMEOUT.code;
    }

    @Override
    public int nvmlEventSetFree(Pointer set) {
        return initDepth == 0 ? NvmlReturn.UNINITIALIZED.code : NvmlReturn.SUCCESS.code;
    }
}
