package com.trulience.agent.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The JNA binding of NVIDIA's NVML (nvml.h); the only file that knows the native names.
 *
 * <p>Every function returns an {@link NvmlReturn} code. {@code unsigned int} and
 * {@code unsigned long long} arrive as Java {@code int}/{@code long}: convert with the
 * unsigned helpers. {@code nvmlDevice_t} is an opaque pointer.
 */
public interface Nvml extends Library {

    /** Linux driver-only machines ship the versioned name only, never {@code libnvidia-ml.so}. */
    String LINUX_LIBRARY = "libnvidia-ml.so.1";
    String WINDOWS_LIBRARY = "nvml";

    int TEMPERATURE_GPU = 0;
    int DEVICE_NAME_BUFFER_SIZE = 96;
    int DEVICE_UUID_BUFFER_SIZE = 96;
    int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;

    // The header #defines the plain names to these _v2 symbols; the v1 symbols behave differently.
    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    /** Counts driver-reserved memory as used: only the fallback for drivers without {@code _v2}. */
    int nvmlDeviceGetMemoryInfo(Pointer device, MemoryInfo memory);

    /** What nvidia-smi shows: {@code used} leaves out the memory the driver reserves for itself. */
    int nvmlDeviceGetMemoryInfo_v2(Pointer device, MemoryInfoV2 memory);

    /** Deprecated in NVML 13: {@link #nvmlDeviceGetTemperatureV} is the fallback. */
    int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference celsius);

    int nvmlDeviceGetTemperatureV(Pointer device, Temperature temperature);

    int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization);

    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

    int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);

    int nvmlDeviceGetFanSpeed(Pointer device, IntByReference percent);

    /**
     * nvmlMemory_t: bytes, unsigned. Filled natively and read with the accessors, which read the
     * native memory directly: JNA's automatic read reflects over every field on every call,
     * which doubled the cost of a collection.
     */
    @FieldOrder({"total", "free", "used"})
    class MemoryInfo extends Structure {
        public long total;
        public long free;
        public long used;

        private final int totalOffset = fieldOffset("total");
        private final int usedOffset = fieldOffset("used");

        public MemoryInfo() {
            setAutoSynch(false);
        }

        public long totalBytes() {
            return getPointer().getLong(totalOffset);
        }

        public long usedBytes() {
            return getPointer().getLong(usedOffset);
        }
    }

    /**
     * nvmlMemory_v2_t: bytes, unsigned; read like {@link MemoryInfo}. The version must be in
     * native memory before each call, since automatic sync is off.
     */
    @FieldOrder({"version", "total", "reserved", "free", "used"})
    class MemoryInfoV2 extends Structure {
        /** NVML_STRUCT_VERSION(Memory, 2): 40 bytes (4 of them padding after version). */
        public static final int VERSION_2 = 40 | (2 << 24);

        public int version = VERSION_2;
        public long total;
        public long reserved;
        public long free;
        public long used;

        private final int totalOffset = fieldOffset("total");
        private final int usedOffset = fieldOffset("used");

        public MemoryInfoV2() {
            setAutoSynch(false);
            prepare();
        }

        /** Writes the version field to native memory. */
        public MemoryInfoV2 prepare() {
            getPointer().setInt(0, VERSION_2);
            return this;
        }

        public long totalBytes() {
            return getPointer().getLong(totalOffset);
        }

        public long usedBytes() {
            return getPointer().getLong(usedOffset);
        }
    }

    /** nvmlUtilization_t: percent over the last sample period, unsigned; read like {@link MemoryInfo}. */
    @FieldOrder({"gpu", "memory"})
    class Utilization extends Structure {
        public int gpu;
        public int memory;

        private final int gpuOffset = fieldOffset("gpu");

        public Utilization() {
            setAutoSynch(false);
        }

        public int gpuPercent() {
            return getPointer().getInt(gpuOffset);
        }
    }

    /** nvmlTemperature_v1_t. */
    @FieldOrder({"version", "sensorType", "temperature"})
    class Temperature extends Structure {
        /** NVML_STRUCT_VERSION(Temperature, 1): the struct's size with the version in the top byte. */
        public static final int VERSION_1 = 12 | (1 << 24);

        public int version = VERSION_1;
        public int sensorType = TEMPERATURE_GPU;
        public int temperature;
    }

    /**
     * Loads the driver's library; {@code path} (NVML_LIBRARY) overrides the platform's name.
     *
     * @throws UnsatisfiedLinkError when the library cannot be loaded
     */
    static Nvml load(String path) {
        String name = path != null && !path.isBlank() ? path : defaultLibraryName();
        return Native.load(name, Nvml.class);
    }

    static String defaultLibraryName() {
        return Platform.isWindows() ? WINDOWS_LIBRARY : LINUX_LIBRARY;
    }
}
