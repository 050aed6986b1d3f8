package com.trulience.agent.restart;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * systemd through systemctl, by absolute path (no PATH lookup) and as an argument list. {@code restart} is the
 * only verb the packaged polkit rule grants the agent's user (packaging/linux/50-trulience-agent.rules), and
 * systemctl waits until the start job is done.
 */
public final class Systemd implements ServiceControl {

    static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final String systemctl;
    private final Function<List<String>, Command.Result> run;

    Systemd(String systemctl, Function<List<String>, Command.Result> run) {
        this.systemctl = systemctl;
        this.run = run;
    }

    /** /usr/bin/systemctl, or /bin/systemctl on systems without a merged /usr. */
    public static Systemd standard() {
        String path = Files.isExecutable(Path.of("/usr/bin/systemctl")) ? "/usr/bin/systemctl" : "/bin/systemctl";
        return new Systemd(path, argv -> Command.run(argv, TIMEOUT));
    }

    List<String> restartCommand(ServiceName service) {
        return List.of(systemctl, "restart", unit(service));
    }

    List<String> activeCommand(ServiceName service) {
        return List.of(systemctl, "is-active", "--quiet", unit(service));
    }

    @Override
    public void restart(ServiceName service) {
        var result = run.apply(restartCommand(service));
        if (result.exitCode() != 0) {
            throw new Failed("systemctl restart " + unit(service) + " failed (exit " + result.exitCode() + ")"
                    + (result.output().isEmpty() ? "" : ": " + result.output()));
        }
    }

    @Override
    public boolean active(ServiceName service) {
        return run.apply(activeCommand(service)).exitCode() == 0;
    }

    private static String unit(ServiceName service) {
        return service.value() + ".service";
    }
}
