package com.trulience.agent.collect;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * NVML answered in Java for SIMULATE_GPUS: demos and load tests on machines without GPUs.
 * Sitting in place of the native library, the simulated GPUs take the same path as real ones
 * from here on. Values drift slowly (periods of minutes) and stay plausible; odd-numbered
 * GPUs have no fan, like passively cooled data-centre cards.
 */
public final class SimulatedNvml implements Nvml {

    static final long TOTAL_BYTES = 48L << 30;
    static final int POWER_LIMIT_MILLIWATTS = 350_000;

    private final int count;
    private final LongSupplier clockMillis;
    private int initDepth;

    public SimulatedNvml(int count) {
        this(count, System::currentTimeMillis);
    }

    SimulatedNvml(int count, LongSupplier clockMillis) {
        this.count = count;
        this.clockMillis = clockMillis;
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
            memory.used = (long) (TOTAL_BYTES * (0.2 + 0.6 * wave(device, 1800)));
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
            memory.used = (long) (TOTAL_BYTES * (0.2 + 0.6 * wave(device, 1800)));
            memory.free = memory.total - memory.used;
            memory.write();
        }
        return rc;
    }

    @Override
    public int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference celsius) {
        int rc = check(device);
        if (rc == 0) {
            celsius.setValue((int) Math.round(38 + 40 * utilization(device)));
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
            milliwatts.setValue((int) (POWER_LIMIT_MILLIWATTS * (0.15 + 0.8 * utilization(device))));
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
}
