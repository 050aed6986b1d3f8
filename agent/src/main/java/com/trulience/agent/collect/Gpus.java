package com.trulience.agent.collect;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import com.trulience.agent.nvml.NvmlUnavailable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This machine's GPUs as NVML (real or simulated) shows them: opened once, sampled every
 * interval, closed at the end. Sampling is single-threaded: the native structs are reused. The
 * Xid and ECC events come from a {@link GpuEventWatcher} on its own thread, started by
 * {@link #watchEvents}; a GPU that answers GPU_IS_LOST becomes a {@code gpu_lost} event, once until
 * it answers again.
 */
public final class Gpus implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Gpus.class.getName());
    private static final int SUCCESS = NvmlReturn.SUCCESS.code;
    private static final String UNKNOWN = "unknown";

    private record Device(int index, Pointer handle, int handleRc, String name, String uuid, Integer powerLimitWatts,
            Inventory.Limits limits) {
    }

    private final Nvml nvml;
    private final String driverVersion;
    private final List<Device> devices = new ArrayList<>();
    private final BitSet lost = new BitSet();
    /** GPUs whose gpu_lost event is out, until they answer again. */
    private final BitSet lostReported = new BitSet();
    private final OptionalReads optional;
    private volatile Consumer<GpuEvent> events = event -> { };
    private GpuEventWatcher watcher;
    private final RequiredReads required;
    private ProcessReads processes;

    private Gpus(Nvml nvml, String driverVersion) {
        this.nvml = nvml;
        this.driverVersion = driverVersion;
        this.optional = new OptionalReads(nvml);
        this.required = new RequiredReads(nvml);
        this.processes = new ProcessReads(nvml, ProcessDirectory.ofThisMachine(false));
    }

    /** Whether the processes' command lines are reported (REPORT_PROCESS_COMMAND_LINES; they can carry secrets). */
    public Gpus reportingCommandLines(boolean commandLines) {
        processes = new ProcessReads(nvml, ProcessDirectory.ofThisMachine(commandLines));
        return this;
    }

    /** No GPUs at all: what the agent reports while NVML is unavailable. */
    public static Gpus none() {
        return new Gpus(null, UNKNOWN);
    }

    /**
     * Loads the driver's NVML ({@code library} overrides the platform's name) and opens it.
     *
     * @throws NvmlUnavailable with the sentence for the operator
     */
    public static Gpus open(String library) {
        String name = library != null && !library.isBlank() ? library : Nvml.defaultLibraryName();
        Nvml nvml;
        try {
            nvml = Nvml.load(name);
        } catch (UnsatisfiedLinkError e) {
            throw NvmlUnavailable.libraryNotFound(name, e);
        }
        try {
            return open(nvml);
        } catch (UnsatisfiedLinkError e) {
            throw NvmlUnavailable.tooOld(name, e);
        }
    }

    /** Opens an already loaded NVML (or the simulated one). */
    public static Gpus open(Nvml nvml) {
        int rc = nvml.nvmlInit_v2();
        if (rc != SUCCESS) {
            throw NvmlUnavailable.failed(NvmlReturn.of(rc), nvml.nvmlErrorString(rc));
        }
        try {
            return discover(nvml);
        } catch (RuntimeException | Error e) {
            nvml.nvmlShutdown();
            throw e;
        }
    }

    private static Gpus discover(Nvml nvml) {
        byte[] text = new byte[Nvml.DEVICE_NAME_BUFFER_SIZE];
        String driver = nvml.nvmlSystemGetDriverVersion(text, Nvml.SYSTEM_DRIVER_VERSION_BUFFER_SIZE) == SUCCESS
                ? string(text) : UNKNOWN;
        var count = new IntByReference();
        int rc = nvml.nvmlDeviceGetCount_v2(count);
        if (rc != SUCCESS) {
            throw NvmlUnavailable.failed(NvmlReturn.of(rc), nvml.nvmlErrorString(rc));
        }
        var gpus = new Gpus(nvml, driver);
        var handle = new PointerByReference();
        for (int index = 0; index < Units.unsigned(count.getValue()); index++) {
            int handleRc = nvml.nvmlDeviceGetHandleByIndex_v2(index, handle);
            if (handleRc != SUCCESS) {
                gpus.devices.add(new Device(index, null, handleRc, UNKNOWN, UNKNOWN, null, Inventory.Limits.NONE));
                gpus.markLost(gpus.devices.get(index), handleRc);
                continue;
            }
            Pointer device = handle.getValue();
            String name = nvml.nvmlDeviceGetName(device, text, Nvml.DEVICE_NAME_BUFFER_SIZE) == SUCCESS
                    ? string(text) : UNKNOWN;
            String uuid = nvml.nvmlDeviceGetUUID(device, text, Nvml.DEVICE_UUID_BUFFER_SIZE) == SUCCESS
                    ? string(text) : UNKNOWN;
            Integer limit = gpus.optional.powerLimit(index, device);
            var limits = new Inventory.Limits(gpus.optional.slowdownCelsius(index, device),
                    gpus.optional.shutdownCelsius(index, device), gpus.optional.maxSmClockMhz(index, device));
            gpus.devices.add(new Device(index, device, SUCCESS, name, uuid,
                    limit == null ? null : Units.milliwattsToWatts(limit), limits));
        }
        return gpus;
    }

    /**
     * From now on, Xid and double-bit ECC events (from a thread of their own) and {@code gpu_lost}
     * events (from sampling) go to {@code sink}, which must therefore be thread-safe.
     */
    public void watchEvents(Consumer<GpuEvent> sink) {
        watchEvents(sink, GpuEventWatcher.WAIT);
    }

    void watchEvents(Consumer<GpuEvent> sink, Duration wait) {
        events = sink;
        if (nvml != null && watcher == null) {
            watcher = GpuEventWatcher.start(nvml, devices.stream().filter(d -> d.handle() != null)
                    .map(d -> new GpuEventWatcher.Watched(d.index(), d.handle(), UNKNOWN.equals(d.uuid()) ? null : d.uuid()))
                    .toList(), sink, wait);
        }
    }

    public String driverVersion() {
        return driverVersion;
    }

    /** Every GPU now; a GPU whose required reads fail is marked lost, the others still count. */
    public Sample sample() {
        var readings = new ArrayList<GpuReading>(devices.size());
        Instant started = Instant.now();
        for (Device device : devices) {
            readings.add(read(device, started));
        }
        processes.endSample();
        return new Sample(Instant.now(), readings);
    }

    /** VRAM used now, summed over the GPUs whose required reads succeed (the numbers a sample reports); MiB. */
    public OptionalLong usedVramMib() {
        long sum = 0;
        boolean any = false;
        for (Device device : devices) {
            if (device.handle() != null && required.read(device.handle()) == SUCCESS) {
                sum += required.vramUsedMib();
                any = true;
            }
        }
        return any ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    private GpuReading read(Device device, Instant now) {
        Pointer handle = device.handle();
        if (handle == null) {
            reportLost(device, device.handleRc() == NvmlReturn.GPU_IS_LOST.code, now);
            return GpuReading.lost(device.index(), device.name(), device.uuid());
        }
        int rc = required.read(handle);
        if (rc != SUCCESS) {
            markLost(device, rc);
            reportLost(device, rc == NvmlReturn.GPU_IS_LOST.code, now);
            return GpuReading.lost(device.index(), device.name(), device.uuid());
        }
        if (lost.get(device.index())) {
            lost.clear(device.index());
            LOG.info(() -> "GPU " + device.index() + " answers again");
        }
        int index = device.index();
        Integer power = optional.power(index, handle);
        Integer fan = optional.fanPercent(index, handle);
        GpuHealth health = optional.health(index, handle);
        reportLost(device, optional.takeGpuLost(), now);
        int vramUsed = required.vramUsedMib();
        int vramTotal = required.vramTotalMib();
        int celsius = required.celsius();
        int utilization = required.utilizationPercent();
        return new GpuReading(index, device.name(), device.uuid(), false, vramUsed, vramTotal, celsius, utilization,
                power == null ? null : Units.milliwattsToWatts(power), device.powerLimitWatts(), fan, health,
                processes.read(index, handle));
    }

    /** One gpu_lost event when a read first answers GPU_IS_LOST, the next only after a sample without it. */
    private void reportLost(Device device, boolean gpuIsLost, Instant now) {
        if (!gpuIsLost) {
            lostReported.clear(device.index());
        } else if (!lostReported.get(device.index())) {
            lostReported.set(device.index());
            events.accept(GpuEvent.of(now, device.index(), UNKNOWN.equals(device.uuid()) ? null : device.uuid(),
                    GpuEvent.Kind.GPU_LOST));
        }
    }

    private void markLost(Device device, int rc) {
        if (!lost.get(device.index())) {
            lost.set(device.index());
            LOG.warning(() -> "GPU " + device.index() + " (" + device.name() + ", " + device.uuid()
                    + ") does not answer (" + NvmlReturn.of(rc).describe() + "): it is reported as lost");
        }
    }

    /** Names and UUIDs as read at start; null where NVML did not give them. */
    public Inventory inventory() {
        return new Inventory(UNKNOWN.equals(driverVersion) ? null : driverVersion, devices.stream()
                .map(d -> new Inventory.Gpu(d.index(), d.name(), UNKNOWN.equals(d.uuid()) ? null : d.uuid(),
                        d.powerLimitWatts(), d.limits()))
                .toList());
    }

    public List<String> describe() {
        return devices.stream()
                .map(d -> "GPU " + d.index() + " " + d.name() + " " + d.uuid())
                .toList();
    }

    /** Stops the event watcher, then pairs the nvmlInit_v2 of {@link #open}. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (nvml != null) {
            int rc = nvml.nvmlShutdown();
            if (rc != SUCCESS) {
                LOG.log(Level.FINE, () -> "nvmlShutdown: " + NvmlReturn.of(rc).describe());
            }
        }
    }

    private static String string(byte[] text) {
        return Native.toString(text, StandardCharsets.UTF_8);
    }
}
