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

    private Command() {
    }

    public static Result run(List<String> argv, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(List.copyOf(argv)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            String output = read(process.getInputStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, argv.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            process.destroyForcibly();
            return new Result(-1, "reading the output of " + argv.get(0) + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Keeps the first 4 KiB, and drains the rest so that the program never blocks on a full pipe. */
    private static String read(InputStream in) throws IOException {
        byte[] kept = new byte[MAX_OUTPUT];
        int length = 0;
        byte[] buffer = new byte[1024];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            int take = Math.min(n, MAX_OUTPUT - length);
            System.arraycopy(buffer, 0, kept, length, take);
            length += take;
        }
        return new String(kept, 0, length, StandardCharsets.UTF_8).strip();
    }
}
