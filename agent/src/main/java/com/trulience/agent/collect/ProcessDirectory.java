package com.trulience.agent.collect;

import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Looks up the processes NVML names (host PIDs) in the process table, once per process: facts are cached by
 * PID and start time, so a process that keeps its GPU costs one small read of /proc/pid/stat a minute, not
 * the whole lookup every sample. On Linux from /proc; on Windows the image name and user from the JDK's
 * {@link ProcessHandle} (no unit, no container); elsewhere nothing. A process that is gone is {@link
 * ProcessFacts#UNKNOWN}, never an error. Single-threaded like sampling.
 */
final class ProcessDirectory {

    /** A PID cannot be reused while its process still holds the GPU; checking once a minute catches a reuse between samples. */
    static final long RECHECK_MILLIS = 60_000;

    private record Known(long startTicks, ProcessFacts facts, long checkedAt) {
    }

    private final Path proc;
    private final boolean linux;
    private final boolean commandLines;
    private final LongSupplier clockMillis;
    private final Map<Long, Known> known = new HashMap<>();

    ProcessDirectory(Path proc, boolean linux, boolean commandLines, LongSupplier clockMillis) {
        this.proc = proc;
        this.linux = linux;
        this.commandLines = commandLines;
        this.clockMillis = clockMillis;
    }

    static ProcessDirectory ofThisMachine(boolean commandLines) {
        return new ProcessDirectory(Path.of("/proc"), Platform.isLinux(), commandLines, System::currentTimeMillis);
    }

    ProcessFacts facts(long pid) {
        if (!linux) {
            return fromProcessHandle(pid);
        }
        long now = clockMillis.getAsLong();
        Known cached = known.get(pid);
        if (cached != null && now - cached.checkedAt() < RECHECK_MILLIS) {
            return cached.facts();
        }
        Path dir = proc.resolve(Long.toString(pid));
        String statText = read(dir.resolve("stat"));
        ProcText.Stat stat = statText == null ? null : ProcText.stat(statText);
        if (stat == null) {
            known.remove(pid);
            return ProcessFacts.UNKNOWN;
        }
        if (cached != null && cached.startTicks() == stat.startTicks()) {
            known.put(pid, new Known(stat.startTicks(), cached.facts(), now));
            return cached.facts();
        }
        String cgroupText = read(dir.resolve("cgroup"));
        var cgroup = cgroupText == null ? null : ProcText.cgroup(cgroupText);
        var facts = new ProcessFacts(stat.name(), cgroup == null ? null : cgroup.unit(),
                cgroup == null ? null : cgroup.container(), owner(dir),
                commandLines ? commandLine(dir.resolve("cmdline")) : null);
        known.put(pid, new Known(stat.startTicks(), facts, now));
        return facts;
    }

    /** Forgets the processes that no GPU listed in this sample. */
    void retainOnly(Set<Long> listed) {
        known.keySet().retainAll(listed);
    }

    int cached() {
        return known.size();
    }

    private ProcessFacts fromProcessHandle(long pid) {
        return ProcessHandle.of(pid).map(process -> {
            var info = process.info();
            String name = info.command().map(command -> Path.of(command).getFileName().toString())
                    .map(image -> ProcText.clean(image, ProcText.MAX_NAME)).orElse(null);
            String commandLine = commandLines ? info.commandLine().map(line -> ProcText.clean(line,
                    ProcText.MAX_COMMAND_LINE)).orElse(null) : null;
            return new ProcessFacts(name, null, null, info.user().map(user -> ProcText.clean(user, ProcText.MAX_NAME))
                    .orElse(null), commandLine);
        }).orElse(ProcessFacts.UNKNOWN);
    }

    /** The owner of /proc/pid is the process's real user; the JDK maps the uid to its name (the number if none). */
    private static String owner(Path dir) {
        try {
            UserPrincipal owner = Files.getOwner(dir);
            return ProcText.clean(owner.getName(), ProcText.MAX_NAME);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    private static String commandLine(Path file) {
        try {
            return ProcText.commandLine(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        }
    }

    /** The file's text (invalid UTF-8 replaced: a name is any bytes), or null when the process is gone or hides it. */
    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
