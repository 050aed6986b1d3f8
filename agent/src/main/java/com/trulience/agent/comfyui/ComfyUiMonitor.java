package com.trulience.agent.comfyui;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Reads the local ComfyUI once per collection, beside the NVML read: {@link #begin} sends {@code GET /queue} and
 * {@code GET /system_stats} at once, the collection reads the GPUs meanwhile, and {@link Reading#await} takes what
 * came by the deadline. A ComfyUI that has not answered both by then, cannot be reached or answers something
 * unreadable is {@link ComfyUiState#UNREACHABLE} for this sample: the GPU sample never waits for it. One log line per
 * change of what is wrong, and one when it answers again.
 */
public final class ComfyUiMonitor {

    /** How long a collection waits for ComfyUI from {@link #begin}: the sample goes out at most this much later. */
    public static final Duration BUDGET = Duration.ofMillis(150);
    static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Logger LOG = Logger.getLogger(ComfyUiMonitor.class.getName());

    private final ComfyUi comfyUi;
    private final Duration budget;
    /**
     * The answer is used only within the budget anyway; this bounds how long a hanging ComfyUI keeps a request open
     * behind it (a few per route at most, at one collection a second).
     */
    private final Duration requestTimeout;
    /** What was wrong at the last reading; "" while ComfyUI answers. Guarded by this. */
    private String problem = "";

    public ComfyUiMonitor(ComfyUi comfyUi) {
        this(comfyUi, BUDGET);
    }

    ComfyUiMonitor(ComfyUi comfyUi, Duration budget) {
        this.comfyUi = comfyUi;
        this.budget = budget;
        this.requestTimeout = budget.compareTo(MIN_REQUEST_TIMEOUT) > 0 ? budget : MIN_REQUEST_TIMEOUT;
    }

    /** One collection's reading, under way. */
    public final class Reading {
        private final long deadline;
        private final CompletableFuture<ComfyUi.Answer> queue;
        private final CompletableFuture<ComfyUi.Answer> stats;

        private Reading() {
            deadline = System.nanoTime() + budget.toNanos();
            queue = comfyUi.getAsync("queue", requestTimeout);
            stats = comfyUi.getAsync("system_stats", requestTimeout);
        }

        /** What ComfyUI said by the deadline; returns at the deadline at the latest. */
        public ComfyUiState await() {
            ComfyUiState state;
            String wrong;
            try {
                CompletableFuture.allOf(queue, stats).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ComfyUi.Answer q = queue.join();
                ComfyUi.Answer s = stats.join();
                wrong = q.status() != 200 ? "GET /queue: " + q.describe()
                        : s.status() != 200 ? "GET /system_stats: " + s.describe() : null;
                state = wrong != null ? ComfyUiState.UNREACHABLE : QueueState.parse(q.body())
                        .flatMap(parsed -> ComfyUiState.of(parsed, s.body())).orElse(null);
                if (state == null) {
                    wrong = "its /queue or /system_stats answer is not the JSON ComfyUI sends";
                    state = ComfyUiState.UNREACHABLE;
                }
            } catch (TimeoutException e) {
                queue.cancel(true);
                stats.cancel(true);
                wrong = "no answer within " + budget.toMillis() + " ms";
                state = ComfyUiState.UNREACHABLE;
            } catch (ExecutionException e) {
                wrong = String.valueOf(e.getCause());
                state = ComfyUiState.UNREACHABLE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                wrong = "interrupted";
                state = ComfyUiState.UNREACHABLE;
            }
            logChange(wrong == null ? "" : wrong);
            return state;
        }
    }

    /** Sends both requests; returns at once. */
    public Reading begin() {
        return new Reading();
    }

    private synchronized void logChange(String now) {
        if (Objects.equals(problem, now)) {
            return;
        }
        if (now.isEmpty()) {
            LOG.info(() -> "ComfyUI at " + comfyUi + " answers again");
        } else {
            LOG.warning(() -> "ComfyUI at " + comfyUi + " is reported as unreachable: " + now);
        }
        problem = now;
    }
}
