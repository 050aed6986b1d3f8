package com.trulience.agent.restart;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Windows Service Control Manager through {@code sc.exe}: stop, wait until stopped, start. sc.exe ships with
 * every Windows and is run from System32 by absolute path as an argument list (no cmd.exe, no PATH lookup).
 * Chosen over JNA's W32Service because jna-platform would add 1.4 MB to every agent jar for one caller, and
 * its matching version is not in our build's repository. The state is read by its number ({@code STATE : 1
 * STOPPED}), which is the same in every display language.
 */
public final class WindowsServices implements ServiceControl {

    static final int STOPPED = 1;
    static final int RUNNING = 4;
    /** sc.exe exit codes that mean "already there": ERROR_SERVICE_NOT_ACTIVE, ERROR_SERVICE_ALREADY_RUNNING. */
    static final int NOT_ACTIVE = 1062;
    static final int ALREADY_RUNNING = 1056;
    private static final Pattern STATE = Pattern.compile("STATE\\s*:\\s*(\\d+)");

    private final String sc;
    private final Function<List<String>, Command.Result> run;
    private final Duration stopTimeout;
    private final Duration poll;

    WindowsServices(String sc, Function<List<String>, Command.Result> run, Duration stopTimeout, Duration poll) {
        this.sc = sc;
        this.run = run;
        this.stopTimeout = stopTimeout;
        this.poll = poll;
    }

    public static WindowsServices standard(Map<String, String> environment) {
        String root = environment.getOrDefault("SystemRoot", "C:\\Windows");
        String sc = Path.of(root, "System32", "sc.exe").toString();
        return new WindowsServices(sc, argv -> Command.run(argv, Duration.ofSeconds(30)), Duration.ofSeconds(120),
                Duration.ofMillis(500));
    }

    List<String> command(String verb, ServiceName service) {
        return List.of(sc, verb, service.value());
    }

    @Override
    public void restart(ServiceName service) {
        var stop = run.apply(command("stop", service));
        if (stop.exitCode() != 0 && stop.exitCode() != NOT_ACTIVE) {
            throw failed("stop", service, stop);
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        while (state(service).orElse(-1) != STOPPED) {
            if (System.nanoTime() > deadline) {
                throw new Failed(service + " did not stop within " + stopTimeout.toSeconds() + " s");
            }
            sleep(poll);
        }
        var start = run.apply(command("start", service));
        if (start.exitCode() != 0 && start.exitCode() != ALREADY_RUNNING) {
            throw failed("start", service, start);
        }
    }

    @Override
    public boolean active(ServiceName service) {
        return state(service).orElse(-1) == RUNNING;
    }

    private OptionalInt state(ServiceName service) {
        var query = run.apply(command("query", service));
        return query.exitCode() == 0 ? state(query.output()) : OptionalInt.empty();
    }

    static OptionalInt state(String scQueryOutput) {
        var matcher = STATE.matcher(scQueryOutput);
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    private static Failed failed(String verb, ServiceName service, Command.Result result) {
        return new Failed("sc.exe " + verb + " " + service + " failed (exit " + result.exitCode() + ")"
                + (result.output().isEmpty() ? "" : ": " + result.output().replaceAll("\\s+", " ")));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }
}
