package com.trulience.agent.nvml;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The JNA binding of NVIDIA's NVML (nvml.h); the only file that knows the native names.
 *
 * <p>Every function returns an {@link NvmlReturn} code. {@code unsigned int} and
 * {@code unsigned long long} arrive as Java {@code int}/{@code long}: convert with the
 * unsigned helpers. {@code nvmlDevice_t} and {@code nvmlEventSet_t} are opaque pointers. One piece
 * beyond the usual size: it mirrors one header, and the structs belong beside the calls that fill them.
 */
public interface Nvml extends Library {

    /** Linux driver-only machines ship the versioned name only, never {@code libnvidia-ml.so}. */
    String LINUX_LIBRARY = "libnvidia-ml.so.1";
    String WINDOWS_LIBRARY = "nvml";

    int TEMPERATURE_GPU = 0;
    int DEVICE_NAME_BUFFER_SIZE = 96;
    int DEVICE_UUID_BUFFER_SIZE = 96;
    int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;

    /** nvmlClockType_t. */
    int CLOCK_SM = 1;
    /** nvmlTemperatureThresholds_t. */
    int TEMPERATURE_THRESHOLD_SHUTDOWN = 0;
    int TEMPERATURE_THRESHOLD_SLOWDOWN = 1;
    /** nvmlMemoryErrorType_t and nvmlEccCounterType_t. */
    int MEMORY_ERROR_TYPE_UNCORRECTED = 1;
    int VOLATILE_ECC = 0;
    /** The HBM temperature has no sensor type of its own: only this field value gives it. */
    int FI_DEV_MEMORY_TEMP = 82;
    /** nvmlEventType bits. */
    long EVENT_TYPE_DOUBLE_BIT_ECC_ERROR = 0x2L;
    long EVENT_TYPE_XID_CRITICAL_ERROR = 0x8L;
    /** NVML_VALUE_NOT_AVAILABLE: an unsigned long long of all ones (a process's memory under Windows WDDM). */
    long VALUE_NOT_AVAILABLE = -1L;
    /** nvmlProcessInfo_v2_t (what the _v2 and _v3 calls fill): uint pid, 4 bytes padding, ull usedGpuMemory, uint, uint. */
    int PROCESS_INFO_SIZE = 24;
    int PROCESS_INFO_PID = 0;
    int PROCESS_INFO_USED_MEMORY = 8;
    /** nvmlProcessUtilizationSample_t: uint pid, ull timeStamp, uint smUtil, memUtil, encUtil, decUtil. */
    int PROCESS_UTILIZATION_SIZE = 32;
    int PROCESS_UTILIZATION_PID = 0;
    int PROCESS_UTILIZATION_TIMESTAMP = 8;
    int PROCESS_UTILIZATION_SM = 16;
    int PROCESS_UTILIZATION_MEMORY = 20;

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

    int nvmlDeviceGetClockInfo(Pointer device, int clockType, IntByReference mhz);

    int nvmlDeviceGetMaxClockInfo(Pointer device, int clockType, IntByReference mhz);

    int nvmlDeviceGetTemperatureThreshold(Pointer device, int thresholdType, IntByReference celsius);

    /** Bits of nvmlClocksEventReason*; since NVML 12.2 (driver 535). */
    int nvmlDeviceGetCurrentClocksEventReasons(Pointer device, LongByReference reasons);

    /** The same bits under the name drivers before 535 know; deprecated in NVML 13. */
    int nvmlDeviceGetCurrentClocksThrottleReasons(Pointer device, LongByReference reasons);

    int nvmlDeviceGetTotalEccErrors(Pointer device, int errorType, int counterType, LongByReference count);

    int nvmlDeviceGetRemappedRows(Pointer device, IntByReference correctableRows, IntByReference uncorrectableRows,
            IntByReference isPending, IntByReference failureOccurred);

    int nvmlDeviceGetPcieReplayCounter(Pointer device, IntByReference count);

    /** {@code values} is the first of {@code count} contiguous structs (here always one). */
    int nvmlDeviceGetFieldValues(Pointer device, int count, FieldValue values);

    /**
     * {@code infos} holds {@code infoCount} {@link #PROCESS_INFO_SIZE}-byte entries (null with a count of 0
     * asks for the count: INSUFFICIENT_SIZE with the count, or SUCCESS when none runs). The list can
     * grow between two calls.
     */
    int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, IntByReference infoCount, Pointer infos);

    /** Like {@link #nvmlDeviceGetComputeRunningProcesses_v3}, for graphics (and MPS-less display) clients. */
    int nvmlDeviceGetGraphicsRunningProcesses_v3(Pointer device, IntByReference infoCount, Pointer infos);

    /**
     * What drivers before R510 have instead of {@link #nvmlDeviceGetComputeRunningProcesses_v3}: the same
     * contract, filling the same nvmlProcessInfo_v2_t.
     */
    int nvmlDeviceGetComputeRunningProcesses_v2(Pointer device, IntByReference infoCount, Pointer infos);

    /** What drivers before R510 have instead of {@link #nvmlDeviceGetGraphicsRunningProcesses_v3}. */
    int nvmlDeviceGetGraphicsRunningProcesses_v2(Pointer device, IntByReference infoCount, Pointer infos);

    /**
     * The samples newer than {@code lastSeenTimeStamp} (microseconds), {@link #PROCESS_UTILIZATION_SIZE} bytes
     * each; sized like the process lists; NOT_FOUND when no sample is newer; NOT_SUPPORTED under MIG.
     */
    int nvmlDeviceGetProcessUtilization(Pointer device, Pointer utilization, IntByReference processSamplesCount,
            long lastSeenTimeStamp);

    int nvmlEventSetCreate(PointerByReference set);

    /** Linux only; NOT_SUPPORTED when the GPU cannot report one of the {@code eventTypes}. */
    int nvmlDeviceRegisterEvents(Pointer device, long eventTypes, Pointer set);

    /** TIMEOUT when nothing happened within {@code timeoutMillis}. */
    int nvmlEventSetWait_v2(Pointer set, EventData data, int timeoutMillis);

    int nvmlEventSetFree(Pointer set);

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
     * nvmlFieldValue_t (40 bytes): the caller sets {@code fieldId}; NVML sets {@code nvmlReturn} per field
     * and the 8-byte {@code value} union, typed by {@code valueType}. Read like {@link MemoryInfo}.
     */
    @FieldOrder({"fieldId", "scopeId", "timestamp", "latencyUsec", "valueType", "nvmlReturn", "value"})
    class FieldValue extends Structure {
        /** nvmlValueType_t. */
        public static final int DOUBLE = 0;
        public static final int UNSIGNED_INT = 1;
        public static final int UNSIGNED_LONG = 2;
        public static final int UNSIGNED_LONG_LONG = 3;
        public static final int SIGNED_LONG_LONG = 4;
        public static final int SIGNED_INT = 5;
        public static final int UNSIGNED_SHORT = 6;

        public int fieldId;
        public int scopeId;
        public long timestamp;
        public long latencyUsec;
        public int valueType;
        public int nvmlReturn;
        public long value;

        private final int fieldIdOffset = fieldOffset("fieldId");
        private final int scopeIdOffset = fieldOffset("scopeId");
        private final int valueTypeOffset = fieldOffset("valueType");
        private final int returnOffset = fieldOffset("nvmlReturn");
        private final int valueOffset = fieldOffset("value");

        public FieldValue() {
            setAutoSynch(false);
        }

        /** Asks for {@code field} (scope 0) in native memory before the call. */
        public FieldValue prepare(int field) {
            getPointer().setInt(fieldIdOffset, field);
            getPointer().setInt(scopeIdOffset, 0);
            getPointer().setInt(returnOffset, NvmlReturn.UNKNOWN.code);
            return this;
        }

        public int returnCode() {
            return getPointer().getInt(returnOffset);
        }

        /** The value as a whole number, or null for a type that is not one. */
        public Long wholeNumber() {
            return switch (getPointer().getInt(valueTypeOffset)) {
                case UNSIGNED_INT -> Integer.toUnsignedLong(getPointer().getInt(valueOffset));
                case SIGNED_INT -> (long) getPointer().getInt(valueOffset);
                case UNSIGNED_SHORT -> (long) Short.toUnsignedInt(getPointer().getShort(valueOffset));
                // unsigned long is 8 bytes on Linux, 4 on Windows: the low 4 bytes are the value on both (little-endian).
                case UNSIGNED_LONG -> Native.LONG_SIZE == 8 ? getPointer().getLong(valueOffset)
                        : Integer.toUnsignedLong(getPointer().getInt(valueOffset));
                case UNSIGNED_LONG_LONG, SIGNED_LONG_LONG -> getPointer().getLong(valueOffset);
                case DOUBLE -> Math.round(getPointer().getDouble(valueOffset));
                default -> null;
            };
        }
    }

    /** nvmlEventData_t (32 bytes); read like {@link MemoryInfo}. */
    @FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
    class EventData extends Structure {
        public Pointer device;
        public long eventType;
        public long eventData;
        public int gpuInstanceId;
        public int computeInstanceId;

        private final int deviceOffset = fieldOffset("device");
        private final int eventTypeOffset = fieldOffset("eventType");
        private final int eventDataOffset = fieldOffset("eventData");

        public EventData() {
            setAutoSynch(false);
        }

        public Pointer devicePointer() {
            return getPointer().getPointer(deviceOffset);
        }

        public long type() {
            return getPointer().getLong(eventTypeOffset);
        }

        /** The Xid of an Xid event (999: unknown), 0 for the others. */
        public long data() {
            return getPointer().getLong(eventDataOffset);
        }
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
