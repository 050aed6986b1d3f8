package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup and its cache, on a /proc laid out in a temporary directory and a controllable clock. */
class ProcessDirectoryTest {

    @TempDir
    Path proc;

    private final AtomicLong clock = new AtomicLong(1_000_000);

    private void process(long pid, String name, long startTicks, String cgroup) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + name + ") S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
                + startTicks + " 0 0");
        Files.writeString(dir.resolve("cgroup"), cgroup);
        Files.write(dir.resolve("cmdline"), (name + "\0--token\0s3cret\0").getBytes());
    }

    private ProcessDirectory directory(boolean commandLines) {
        return new ProcessDirectory(proc, true, commandLines, clock::get);
    }

    @Test
    void readsNameUnitContainerAndOwner() throws IOException {
        process(42, "python3", 100, "0::/system.slice/comfyui.service\n");

        var facts = directory(false).facts(42);

        assertEquals(new ProcessFacts("python3", "comfyui.service", null,
                Files.getOwner(proc.resolve("42")).getName(), null), facts);
    }

    @Test
    void readsTheCommandLineOnlyWhenAskedTo() throws IOException {
        process(42, "python3", 100, "0::/\n");

        assertNull(directory(false).facts(42).commandLine());
        assertEquals("python3 --token s3cret", directory(true).facts(42).commandLine());
    }

    @Test
    void aProcessThatIsGoneIsUnknown() {
        assertEquals(ProcessFacts.UNKNOWN, directory(false).facts(4_000_000));
    }

    @Test
    void keepsWhatItFoundUntilTheRecheckAndWhileTheStartTimeIsTheSame() throws IOException {
        process(42, "python3", 100, "0::/system.slice/comfyui.service\n");
        var directory = directory(false);
        directory.facts(42);

        process(42, "renamed", 100, "0::/system.slice/other.service\n");
        assertEquals("comfyui.service", directory.facts(42).unit(), "no /proc read before the recheck");
        clock.addAndGet(ProcessDirectory.RECHECK_MILLIS);
        assertEquals("comfyui.service", directory.facts(42).unit(), "same start time: the same process");
    }

    @Test
    void looksAgainWhenThePidWasReusedByAnotherProcess() throws IOException {
        process(42, "python3", 100, "0::/system.slice/comfyui.service\n");
        var directory = directory(false);
        directory.facts(42);

        process(42, "stray", 200, "0::/user.slice/session-2.scope\n");
        clock.addAndGet(ProcessDirectory.RECHECK_MILLIS);

        assertEquals("stray", directory.facts(42).name());
        assertEquals("session-2.scope", directory.facts(42).unit());
    }

    @Test
    void forgetsProcessesNoGpuListsAnyMore() throws IOException {
        process(42, "a", 100, "0::/\n");
        process(43, "b", 100, "0::/\n");
        var directory = directory(false);
        directory.facts(42);
        directory.facts(43);

        directory.retainOnly(Set.of(43L));

        assertEquals(1, directory.cached());
    }
}
