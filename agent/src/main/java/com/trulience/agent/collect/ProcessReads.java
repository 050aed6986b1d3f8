package com.trulience.agent.collect;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Which processes hold each GPU: the compute and graphics lists of NVML, merged by PID, with their VRAM and,
 * where the GPU samples it, their SM and memory utilization, each PID looked up in the {@link
 * ProcessDirectory}; through the _v2 calls where the driver predates the _v3 ones. Single-threaded like sampling: the native buffers are reused and grow with slack, since
 * a list can grow between the call that sizes it and the call that fills it.
 */
final class ProcessReads {

    private static final Logger LOG = Logger.getLogger(ProcessReads.class.getName());
    private static final int SUCCESS = NvmlReturn.SUCCESS.code;
    private static final int INSUFFICIENT_SIZE = NvmlReturn.INSUFFICIENT_SIZE.code;
    /** Room for processes that start between sizing and filling. */
    static final int SLACK = 8;
    /** A list that outgrows its slack this often in one sample is read again at the next one. */
    private static final int ATTEMPTS = 3;

    private enum Kind { COMPUTE, GRAPHICS }

    private record Utilization(int smPercent, int memoryPercent, long timestamp) {
    }

    private final Nvml nvml;
    private final ProcessDirectory directory;
    private final IntByReference count = new IntByReference();
    private Memory infos;
    /** A view of {@code infos}: reading a direct buffer costs no native call per field, as Pointer.getInt does. */
    private ByteBuffer infoView;
    private int infoCapacity;
    private Memory samples;
    private ByteBuffer sampleView;
    private int sampleCapacity;
    private final Map<Integer, Long> lastSeenMicros = new HashMap<>();
    private final BitSet utilizationUnsupported = new BitSet();
    private final Set<String> loggedOnce = new HashSet<>();
    private boolean v3Missing;
    private boolean callsMissing;
    private final Set<Long> listedThisSample = new HashSet<>();
    /** PID to used bytes (or {@link Nvml#VALUE_NOT_AVAILABLE}), reused per GPU. */
    private final Map<Long, Long> held = new LinkedHashMap<>();
    private final Map<Long, Utilization> utilization = new HashMap<>();

    ProcessReads(Nvml nvml, ProcessDirectory directory) {
        this.nvml = nvml;
        this.directory = directory;
    }

    /** GPU {@code index}'s processes now; {@link GpuProcesses#NOT_READ} where NVML cannot list them. */
    GpuProcesses read(int index, Pointer handle) {
        if (callsMissing) {
            return GpuProcesses.NOT_READ;
        }
        held.clear();
        int compute = readList(Kind.COMPUTE, index, handle);
        int graphics = readList(Kind.GRAPHICS, index, handle);
        if (compute != SUCCESS && graphics != SUCCESS) {
            return GpuProcesses.NOT_READ;
        }
        readUtilization(index, handle);
        var processes = new ArrayList<GpuProcess>(held.size());
        for (var entry : held.entrySet()) {
            long pid = entry.getKey();
            listedThisSample.add(pid);
            long bytes = entry.getValue();
            Utilization busy = utilization.get(pid);
            ProcessFacts facts = directory.facts(pid);
            processes.add(new GpuProcess(pid, facts.name(), facts.unit(), facts.container(), facts.user(),
                    bytes == Nvml.VALUE_NOT_AVAILABLE ? null : Units.bytesToMib(bytes),
                    busy == null ? null : busy.smPercent(), busy == null ? null : busy.memoryPercent(),
                    facts.commandLine()));
        }
        return GpuProcesses.of(processes);
    }

    /** After every GPU of a sample: forgets what is known about processes that no GPU listed. */
    void endSample() {
        directory.retainOnly(listedThisSample);
        listedThisSample.clear();
    }

    /** Adds one list to {@code held}; SUCCESS or the code that stopped it. */
    private int readList(Kind list, int index, Pointer handle) {
        for (int attempt = 1; ; attempt++) {
            count.setValue(infoCapacity);
            int rc;
            try {
                rc = callList(list, handle);
            } catch (UnsatisfiedLinkError e) {
                callsMissing = true;
                LOG.info("This NVIDIA driver has neither nvmlDevice...RunningProcesses_v3 nor _v2 (before R470): GPU processes are not reported");
                return NvmlReturn.FUNCTION_NOT_FOUND.code;
            }
            if (rc == SUCCESS) {
                int listed = Math.min(count.getValue(), infoCapacity);
                for (int i = 0; i < listed; i++) {
                    long offset = (long) i * Nvml.PROCESS_INFO_SIZE;
                    long pid = Integer.toUnsignedLong(infoView.getInt((int) offset + Nvml.PROCESS_INFO_PID));
                    long bytes = infoView.getLong((int) offset + Nvml.PROCESS_INFO_USED_MEMORY);
                    // A process in both lists shows the same memory twice: keep what is known, never the sum.
                    held.merge(pid, bytes, (a, b) -> a == Nvml.VALUE_NOT_AVAILABLE ? b
                            : b == Nvml.VALUE_NOT_AVAILABLE ? a : Math.max(a, b));
                }
                return rc;
            }
            if (rc != INSUFFICIENT_SIZE || attempt == ATTEMPTS) {
                logOnce(index, list.name().toLowerCase() + " processes", rc);
                return rc;
            }
            infoCapacity = Units.unsigned(count.getValue()) + SLACK;
            infos = new Memory((long) infoCapacity * Nvml.PROCESS_INFO_SIZE);
            infoView = infos.getByteBuffer(0, infos.size()).order(ByteOrder.nativeOrder());
        }
    }

    /**
     * One call that fills {@code infos}: the _v3 one, or once it proves missing (JNA throws at its first call,
     * and would look it up again at every call), the _v2 one of drivers before R510.
     *
     * @throws UnsatisfiedLinkError when the driver has neither
     */
    private int callList(Kind list, Pointer handle) {
        if (!v3Missing) {
            try {
                return list == Kind.COMPUTE
                        ? nvml.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, infos)
                        : nvml.nvmlDeviceGetGraphicsRunningProcesses_v3(handle, count, infos);
            } catch (UnsatisfiedLinkError e) {
                v3Missing = true;
                LOG.info("This NVIDIA driver has no nvmlDevice...RunningProcesses_v3 (before R510): GPU processes are read with the _v2 calls");
            }
        }
        return list == Kind.COMPUTE
                ? nvml.nvmlDeviceGetComputeRunningProcesses_v2(handle, count, infos)
                : nvml.nvmlDeviceGetGraphicsRunningProcesses_v2(handle, count, infos);
    }

    /** Leaves in {@code utilization} each PID's newest sample since the last read of this GPU. */
    private void readUtilization(int index, Pointer handle) {
        utilization.clear();
        if (utilizationUnsupported.get(index) || held.isEmpty()) {
            return;
        }
        long since = lastSeenMicros.getOrDefault(index, 0L);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            count.setValue(sampleCapacity);
            int rc;
            try {
                rc = nvml.nvmlDeviceGetProcessUtilization(handle, samples, count, since);
            } catch (UnsatisfiedLinkError e) {
                rc = NvmlReturn.FUNCTION_NOT_FOUND.code;
            }
            if (rc == SUCCESS) {
                long newest = since;
                int listed = Math.min(count.getValue(), sampleCapacity);
                for (int i = 0; i < listed; i++) {
                    long offset = (long) i * Nvml.PROCESS_UTILIZATION_SIZE;
                    int at0 = (int) offset;
                    long pid = Integer.toUnsignedLong(sampleView.getInt(at0 + Nvml.PROCESS_UTILIZATION_PID));
                    long at = sampleView.getLong(at0 + Nvml.PROCESS_UTILIZATION_TIMESTAMP);
                    var sample = new Utilization(percent(sampleView.getInt(at0 + Nvml.PROCESS_UTILIZATION_SM)),
                            percent(sampleView.getInt(at0 + Nvml.PROCESS_UTILIZATION_MEMORY)), at);
                    utilization.merge(pid, sample, (a, b) -> b.timestamp() > a.timestamp() ? b : a);
                    newest = Math.max(newest, at);
                }
                lastSeenMicros.put(index, newest);
                return;
            }
            if (rc == NvmlReturn.NOT_FOUND.code) {
                return; // no sample newer than the last one: utilization unknown for this interval
            }
            if (rc != INSUFFICIENT_SIZE) {
                if (rc != NvmlReturn.GPU_IS_LOST.code) {
                    utilizationUnsupported.set(index);
                    var code = NvmlReturn.of(rc);
                    LOG.info(() -> "GPU " + index + " gives no per-process utilization (" + code.describe()
                            + ", e.g. under MIG): its processes' SM % is reported as null");
                }
                return;
            }
            sampleCapacity = Units.unsigned(count.getValue()) + SLACK;
            samples = new Memory((long) sampleCapacity * Nvml.PROCESS_UTILIZATION_SIZE);
            sampleView = samples.getByteBuffer(0, samples.size()).order(ByteOrder.nativeOrder());
        }
    }

    private static int percent(int raw) {
        return Math.min(100, Units.unsigned(raw));
    }

    private void logOnce(int index, String what, int rc) {
        var code = NvmlReturn.of(rc);
        if (code != NvmlReturn.NOT_SUPPORTED && code != NvmlReturn.NO_PERMISSION && code != NvmlReturn.GPU_IS_LOST
                && loggedOnce.add(index + what + rc)) {
            LOG.warning(() -> "GPU " + index + " gave no " + what + " (" + code.describe() + ")");
        }
    }
}
