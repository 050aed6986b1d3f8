package com.trulience.agent.collect;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.util.logging.Logger;

/**
 * The reads without which a GPU counts as lost for the sample: memory, temperature, utilization,
 * with the fallbacks older and newer drivers need. Single-threaded like sampling: the native
 * structs are reused, and hold the last GPU's values until the next {@link #read}.
 */
final class RequiredReads {

    private static final Logger LOG = Logger.getLogger(RequiredReads.class.getName());
    private static final int SUCCESS = NvmlReturn.SUCCESS.code;

    private final Nvml nvml;
    private boolean legacyTemperatureGone;
    private boolean memoryV1Only;
    private final Nvml.MemoryInfo memory = new Nvml.MemoryInfo();
    private final Nvml.MemoryInfoV2 memoryV2 = new Nvml.MemoryInfoV2();
    private long usedBytes;
    private long totalBytes;
    private final Nvml.Utilization utilization = new Nvml.Utilization();
    private final Nvml.Temperature temperature = new Nvml.Temperature();
    private final IntByReference value = new IntByReference();

    RequiredReads(Nvml nvml) {
        this.nvml = nvml;
    }

    /** Reads all three; SUCCESS, or the code of the first that failed. */
    int read(Pointer handle) {
        int rc = readMemory(handle);
        if (rc == SUCCESS) {
            rc = readTemperature(handle);
        }
        if (rc == SUCCESS) {
            rc = nvml.nvmlDeviceGetUtilizationRates(handle, utilization);
        }
        return rc;
    }

    int vramUsedMib() {
        return Units.bytesToMib(usedBytes);
    }

    int vramTotalMib() {
        return Units.bytesToMib(totalBytes);
    }

    int celsius() {
        return legacyTemperatureGone ? temperature.temperature : Units.unsigned(value.getValue());
    }

    int utilizationPercent() {
        return Units.unsigned(utilization.gpuPercent());
    }

    /** Leaves the reading in {@code usedBytes} and {@code totalBytes}. */
    private int readMemory(Pointer handle) {
        if (!memoryV1Only) {
            try {
                int rc = nvml.nvmlDeviceGetMemoryInfo_v2(handle, memoryV2.prepare());
                if (rc == SUCCESS) {
                    usedBytes = memoryV2.usedBytes();
                    totalBytes = memoryV2.totalBytes();
                    return rc;
                }
                var code = NvmlReturn.of(rc);
                if (code != NvmlReturn.ARGUMENT_VERSION_MISMATCH && code != NvmlReturn.NOT_SUPPORTED
                        && code != NvmlReturn.FUNCTION_NOT_FOUND) {
                    return rc;
                }
            } catch (UnsatisfiedLinkError e) {
                // Drivers before the _v2 call: v1 counts the driver's reserved memory as used.
            }
            memoryV1Only = true;
            LOG.info("This NVIDIA driver has no nvmlDeviceGetMemoryInfo_v2: VRAM used includes the memory the driver reserves");
        }
        int rc = nvml.nvmlDeviceGetMemoryInfo(handle, memory);
        usedBytes = memory.usedBytes();
        totalBytes = memory.totalBytes();
        return rc;
    }

    /** Leaves the reading in {@code value}, or in {@code temperature} once the legacy call is gone. */
    private int readTemperature(Pointer handle) {
        if (!legacyTemperatureGone) {
            try {
                int rc = nvml.nvmlDeviceGetTemperature(handle, Nvml.TEMPERATURE_GPU, value);
                if (rc != NvmlReturn.DEPRECATED.code) {
                    return rc;
                }
            } catch (UnsatisfiedLinkError e) {
                // NVML 13 may drop the deprecated call; nvmlDeviceGetTemperatureV replaces it.
            }
            legacyTemperatureGone = true;
        }
        temperature.version = Nvml.Temperature.VERSION_1;
        temperature.sensorType = Nvml.TEMPERATURE_GPU;
        return nvml.nvmlDeviceGetTemperatureV(handle, temperature);
    }
}
