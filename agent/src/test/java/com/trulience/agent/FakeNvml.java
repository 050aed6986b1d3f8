package com.trulience.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fake libnvidia-ml.so.1 (src/test/c) that the build compiles with gcc. Tests that need it
 * are skipped, not failed, where no C compiler built it.
 */
public final class FakeNvml {

    /** The fake's test hooks, reached through the same loaded library as the NVML calls. */
    public interface Control extends Library {
        int fake_nvml_load_script(String path);

        int fake_nvml_init_depth();

        int fake_nvml_event_sets_open();

        long fake_nvml_wait_calls();
    }

    private final Path library;
    private final Control control;

    private FakeNvml(Path library) {
        assumeTrue(Files.isRegularFile(library), "Skipped: the fake NVML library " + library
                + " was not built (no gcc on this machine?)");
        this.library = library;
        this.control = Native.load(library.toString(), Control.class);
    }

    private static Path directory() {
        return Path.of(System.getProperty("fake.nvml.dir", "target/fake-nvml"));
    }

    /** Every symbol the agent binds. */
    public static FakeNvml complete() {
        return new FakeNvml(directory().resolve("libnvidia-ml.so.1").toAbsolutePath());
    }

    /**
     * Lacks nvmlDeviceGetFanSpeed, the deprecated nvmlDeviceGetTemperature, nvmlDeviceGetMemoryInfo_v2,
     * nvmlDeviceGetCurrentClocksEventReasons (has only the deprecated ...ThrottleReasons) and nvmlDeviceGetRemappedRows.
     */
    public static FakeNvml withoutOptionalSymbols() {
        return new FakeNvml(directory().resolve("without-optional/libnvidia-ml.so.1").toAbsolutePath());
    }

    /** Lacks nvmlDevice{Compute,Graphics}RunningProcesses_v3 and has their _v2 forms, like drivers before R510. */
    public static FakeNvml beforeR510() {
        return new FakeNvml(directory().resolve("before-r510/libnvidia-ml.so.1").toAbsolutePath());
    }

    public String path() {
        return library.toString();
    }

    /** Scripts what the fake reports from now on (format: see fake_nvml.c); returns the file. */
    public Path script(String... lines) {
        try {
            Path file = Files.createTempFile("fake-nvml", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, String.join("\n", lines) + "\n");
            assertEquals(0, control.fake_nvml_load_script(file.toString()), "bad script line");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** nvmlInit_v2 calls not yet paired with nvmlShutdown. */
    public int initDepth() {
        return control.fake_nvml_init_depth();
    }

    /** Event sets created and not yet freed. */
    public int eventSetsOpen() {
        return control.fake_nvml_event_sets_open();
    }

    /** nvmlEventSetWait_v2 calls since the script was loaded. */
    public long waitCalls() {
        return control.fake_nvml_wait_calls();
    }
}
