package com.trulience.agent.collect;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import com.trulience.agent.nvml.Nvml;
import com.trulience.agent.nvml.NvmlReturn;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Waits on one NVML event set for Xid and double-bit ECC events of every GPU, on its own thread,
 * and hands each to the sink as a {@link GpuEvent}. A wait ends at least every {@code wait}, so that
 * {@link #close} stops it within about that long. GPUs that cannot report one of the types
 * (NOT_SUPPORTED) are watched for the others; where no GPU reports any, the thread ends at once.
 * A wait that answers GPU_IS_LOST does not say which GPU: the next collection finds it and reports
 * the {@code gpu_lost} event.
 */
final class GpuEventWatcher implements AutoCloseable {

    /** How long one wait blocks: bounds how long stopping takes. */
    static final Duration WAIT = Duration.ofSeconds(1);

    private static final Logger LOG = Logger.getLogger(GpuEventWatcher.class.getName());
    private static final int SUCCESS = NvmlReturn.SUCCESS.code;
    private static final long[] TYPES = {Nvml.EVENT_TYPE_XID_CRITICAL_ERROR, Nvml.EVENT_TYPE_DOUBLE_BIT_ECC_ERROR};

    /** One GPU as the events name it. */
    record Watched(int index, Pointer handle, String uuid) {
    }

    private final Nvml nvml;
    private final List<Watched> gpus;
    private final Consumer<GpuEvent> sink;
    private final int waitMillis;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Set<NvmlReturn> loggedOnce = new HashSet<>();
    private final Thread thread;

    private GpuEventWatcher(Nvml nvml, List<Watched> gpus, Consumer<GpuEvent> sink, Duration wait) {
        this.nvml = nvml;
        this.gpus = List.copyOf(gpus);
        this.sink = sink;
        this.waitMillis = (int) Math.max(1, wait.toMillis());
        this.thread = new Thread(this::run, "gpu-events");
        thread.setDaemon(true);
    }

    /** Starts watching; {@code sink} is called on the watcher's thread. */
    static GpuEventWatcher start(Nvml nvml, List<Watched> gpus, Consumer<GpuEvent> sink, Duration wait) {
        var watcher = new GpuEventWatcher(nvml, gpus, sink, wait);
        watcher.thread.start();
        return watcher;
    }

    private void run() {
        try {
            var created = new PointerByReference();
            int rc = nvml.nvmlEventSetCreate(created);
            if (rc != SUCCESS) {
                LOG.info(() -> "No Xid or ECC events on this machine: nvmlEventSetCreate answered " + NvmlReturn.of(rc).describe());
                return;
            }
            Pointer set = created.getValue();
            try {
                int watched = register(set);
                if (watched == 0) {
                    LOG.info("No GPU reports Xid or ECC events: none is watched");
                    return;
                }
                LOG.info(() -> "Watching " + watched + " GPU(s) for Xid and double-bit ECC events");
                waitForEvents(set);
            } finally {
                int freed = nvml.nvmlEventSetFree(set);
                if (freed != SUCCESS) {
                    LOG.fine(() -> "nvmlEventSetFree: " + NvmlReturn.of(freed).describe());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // An old driver without the event calls, or a broken sink: the collection goes on without events.
            LOG.log(Level.WARNING, "Watching the GPUs for Xid and ECC events failed; collecting goes on without them", e);
        }
    }

    /** Registers each type on its own, so that a GPU without one still reports the other; the GPUs with any. */
    private int register(Pointer set) {
        int watched = 0;
        for (Watched gpu : gpus) {
            boolean any = false;
            for (long type : TYPES) {
                int rc = nvml.nvmlDeviceRegisterEvents(gpu.handle(), type, set);
                var code = NvmlReturn.of(rc);
                if (rc == SUCCESS) {
                    any = true;
                } else if (code != NvmlReturn.NOT_SUPPORTED && code != NvmlReturn.GPU_IS_LOST) {
                    LOG.warning(() -> "GPU " + gpu.index() + " cannot report events of type 0x" + Long.toHexString(type)
                            + " (" + code.describe() + ")");
                }
            }
            watched += any ? 1 : 0;
        }
        return watched;
    }

    private void waitForEvents(Pointer set) throws InterruptedException {
        var data = new Nvml.EventData();
        while (stop.getCount() > 0) {
            int rc = nvml.nvmlEventSetWait_v2(set, data, waitMillis);
            if (rc == SUCCESS) {
                deliver(data);
            } else if (rc != NvmlReturn.TIMEOUT.code) {
                var code = NvmlReturn.of(rc);
                if (loggedOnce.add(code)) {
                    LOG.warning(() -> "Waiting for GPU events answered " + code.describe()
                            + (code == NvmlReturn.GPU_IS_LOST ? ": a GPU fell off the bus; the next collection names it" : "")
                            + "; trying again every " + waitMillis + " ms");
                }
                // Such a wait returns at once: pause instead of spinning.
                stop.await(waitMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void deliver(Nvml.EventData data) {
        Pointer device = data.devicePointer();
        Watched gpu = gpus.stream().filter(g -> g.handle().equals(device)).findFirst().orElse(null);
        if (gpu == null) {
            LOG.fine(() -> "An event for a device this agent does not know: " + device);
            return;
        }
        Instant now = Instant.now();
        long type = data.type();
        GpuEvent event;
        if ((type & Nvml.EVENT_TYPE_XID_CRITICAL_ERROR) != 0) {
            event = GpuEvent.xid(now, gpu.index(), gpu.uuid(), data.data());
        } else if ((type & Nvml.EVENT_TYPE_DOUBLE_BIT_ECC_ERROR) != 0) {
            event = GpuEvent.of(now, gpu.index(), gpu.uuid(), GpuEvent.Kind.ECC_DOUBLE_BIT);
        } else {
            return;
        }
        LOG.warning(() -> "GPU " + gpu.index() + " (" + gpu.uuid() + ") reported "
                + (event.xid() != null ? "Xid " + event.xid() : "a double-bit ECC error"));
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The GPU event could not be handed on: " + event, e);
        }
    }

    /** Stops waiting and frees the event set; returns once the thread has ended. */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(waitMillis + 5_000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warning("The GPU event thread did not stop in time");
        }
    }
}
