package com.trulience.agent.restart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program with an argument list, never through a shell: no word splitting, globbing, or
 * metacharacters are ever interpreted, whatever a service name contains.
 */
public final class Command {

    /** What a run gave: the exit code (-1 when it could not start or timed out) and up to 4 KiB of its output. */
    public record Result(int exitCode, String output) {
    }

    static final int MAX_OUTPUT = 4096;
    private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);

    private Command() {
    }

    /**
     * The output is read on a thread of its own, so that the timeout holds while the program keeps its output
     * open without exiting (a hung {@code systemctl restart}); a program past its timeout is killed.
     */
    public static Result run(List<String> argv, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(List.copyOf(argv)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        var output = new Output(process.getInputStream());
        var reader = new Thread(output, "command-output");
        reader.setDaemon(true);
        reader.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, argv.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
            // a child it left behind may hold the pipe open: what came so far is the output
            reader.join(OUTPUT_GRACE.toMillis());
            return output.failure() == null ? new Result(process.exitValue(), output.text())
                    : new Result(-1, "reading the output of " + argv.get(0) + " failed: " + output.failure().getMessage());
        } catch (IOException e) {
            process.destroyForcibly();
            return new Result(-1, "running " + argv.get(0) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Keeps the first 4 KiB, and drains the rest so that the program never blocks on a full pipe. */
    private static final class Output implements Runnable {

        private final InputStream in;
        private final byte[] kept = new byte[MAX_OUTPUT];
        private int length;
        private IOException failure;

        Output(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[1024];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (this) {
                        int take = Math.min(n, MAX_OUTPUT - length);
                        System.arraycopy(buffer, 0, kept, length, take);
                        length += take;
                    }
                }
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                }
            }
        }

        synchronized String text() {
            return new String(kept, 0, length, StandardCharsets.UTF_8).strip();
        }

        synchronized IOException failure() {
            return failure;
        }
    }
}
