package com.trulience.agent.collect;

import com.trulience.agent.comfyui.ComfyUiMonitor;
import com.trulience.agent.comfyui.ComfyUiState;
import com.trulience.agent.nvml.NvmlUnavailable;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Samples the GPUs every interval and hands each {@code gpu_metrics} frame, with its {@code seq},
 * to a sink (the outbox, which the link sends from). While NVML is unavailable it reports zero GPUs and
 * tries again every {@link #RETRY}, since the driver often comes up after the agent at boot.
 */
public final class MetricsLoop implements AutoCloseable {

    static final Duration RETRY = Duration.ofMinutes(1);
    /** A collection in progress is waited for; one NVML read of every GPU takes far less. */
    static final Duration VRAM_READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(MetricsLoop.class.getName());

    private final Supplier<Gpus> opener;
    private final long workerId;
    private final Duration interval;
    private final LongSupplier seqs;
    private final BiConsumer<Long, String> sink;
    private final Consumer<GpuEvent> events;
    private final ComfyUiMonitor comfyUi;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            task -> new Thread(task, "metrics"));
    private Gpus gpus = Gpus.none();
    private String unavailable = "";
    private long lastAttemptNanos;
    private long lastSecond = Long.MIN_VALUE;
    private volatile Inventory inventory = Inventory.NONE;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong gpuSamples = new AtomicLong();

    /** Numbers the frames 1, 2, 3, ... */
    public MetricsLoop(Supplier<Gpus> opener, long workerId, Duration interval, Consumer<String> sink) {
        this(opener, workerId, interval, new AtomicLong()::incrementAndGet, (seq, frame) -> sink.accept(frame));
    }

    public MetricsLoop(Supplier<Gpus> opener, long workerId, Duration interval, LongSupplier seqs,
            BiConsumer<Long, String> sink) {
        this(opener, workerId, interval, seqs, sink, null);
    }

    /**
     * Also watches every GPU opened for Xid, ECC and GPU-lost events, which go to {@code events}
     * (thread-safe: called from the event thread and from this loop's).
     */
    public MetricsLoop(Supplier<Gpus> opener, long workerId, Duration interval, LongSupplier seqs,
            BiConsumer<Long, String> sink, Consumer<GpuEvent> events) {
        this(opener, workerId, interval, seqs, sink, events, null);
    }

    /** Also reads the local ComfyUI beside every sample when {@code comfyUi} is not null (COMFYUI_URL set explicitly). */
    public MetricsLoop(Supplier<Gpus> opener, long workerId, Duration interval, LongSupplier seqs,
            BiConsumer<Long, String> sink, Consumer<GpuEvent> events, ComfyUiMonitor comfyUi) {
        this.comfyUi = comfyUi;
        this.opener = opener;
        this.workerId = workerId;
        this.interval = interval;
        this.seqs = seqs;
        this.sink = sink;
        this.events = events;
    }

    /** The GPUs as last opened; {@link Inventory#NONE} until NVML answers. */
    public Inventory inventory() {
        return inventory;
    }

    /** Frames handed to the sink since start. */
    public long batches() {
        return batches.get();
    }

    /** GPU samples in those frames (lost GPUs left out): the rows they become in the backend. */
    public long gpuSamples() {
        return gpuSamples.get();
    }

    public void start() {
        timer.execute(() -> {
            open();
            if (unavailable.isEmpty()) {
                LOG.info(() -> "Collecting every " + interval.toSeconds() + " s from " + gpus.describe().size()
                        + " GPU(s), driver " + gpus.driverVersion() + ": " + String.join("; ", gpus.describe()));
            }
        });
        // Fixed delay, not fixed rate: after a stall (a paused VM, a starved CPU) fixed rate runs the missed
        // collections back to back, within the same second. Frames carry whole seconds and the backend takes a
        // second frame of the same second for a replay and ignores it: those samples were silently lost
        // (scripts/verify-agent-kill at 1 s on a busy machine). A stall now just leaves a gap.
        timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void open() {
        lastAttemptNanos = System.nanoTime();
        try {
            gpus = opener.get();
            if (events != null) {
                gpus.watchEvents(events);
            }
            inventory = gpus.inventory();
            if (!unavailable.isEmpty()) {
                LOG.info(() -> "NVML is available now with " + gpus.describe().size() + " GPU(s)");
            }
            unavailable = "";
        } catch (NvmlUnavailable e) {
            if (!Objects.equals(unavailable, e.getMessage())) {
                LOG.warning(() -> e.getMessage() + " Until then the agent reports zero GPUs and retries every "
                        + RETRY.toMinutes() + " minute(s).");
            }
            unavailable = e.getMessage();
        }
    }

    private void tick() {
        try {
            if (!unavailable.isEmpty() && System.nanoTime() - lastAttemptNanos >= RETRY.toNanos()) {
                open();
            }
            // ComfyUI is asked first and answers while NVML is read; the sample waits at most ComfyUiMonitor.BUDGET.
            ComfyUiMonitor.Reading reading = comfyUi == null ? null : comfyUi.begin();
            Sample sample = gpus.sample();
            ComfyUiState comfyUiState = reading == null ? null : reading.await();
            long second = sample.takenAt().getEpochSecond();
            if (second <= lastSecond) {
                // Only when the wall clock was stepped back: a frame of a second already sent would be ignored.
                LOG.fine(() -> "Skipped a collection at " + sample.takenAt() + ": the clock is not past the last one");
                return;
            }
            lastSecond = second;
            long seq = seqs.getAsLong();
            sink.accept(seq, MetricsPayload.json(workerId, seq, sample, comfyUiState));
            batches.incrementAndGet();
            gpuSamples.addAndGet(sample.gpus().stream().filter(gpu -> !gpu.lost()).count());
        } catch (RuntimeException | LinkageError e) {
            // A throwing task would silently end the schedule: log and keep the agent alive.
            LOG.log(Level.WARNING, "Collecting the GPU metrics failed", e);
        }
    }

    /**
     * VRAM used now, summed over the GPUs that answer, in MiB: the numbers the samples report, read on this loop's
     * thread, which owns NVML. Empty when no GPU answers (NVML unavailable, every GPU lost) or the loop is stopped.
     */
    public OptionalLong usedVramMib() {
        try {
            return timer.submit(() -> gpus.usedVramMib()).get(VRAM_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.FINE, "reading the used VRAM", e);
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gpus.close();
    }
}
