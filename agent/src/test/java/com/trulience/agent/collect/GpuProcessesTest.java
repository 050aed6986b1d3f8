package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.trulience.agent.FakeNvml;
import com.trulience.agent.link.LogLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The processes of a GPU through the real JNA binding against the fake libnvidia-ml.so.1, with real child
 * processes of the test, whose names, units and users come from the real /proc.
 */
class GpuProcessesTest {

    private static final long MIB = 1024 * 1024;

    private final FakeNvml fake = FakeNvml.complete();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroy();
            child.waitFor();
        }
    }

    private long sleeper() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        Process child = new ProcessBuilder("sleep", "300").start();
        children.add(child);
        return child.pid();
    }

    /** A PID whose process has exited. */
    private static long gonePid() throws IOException, InterruptedException {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        return done.pid();
    }

    private GpuProcesses sample(Gpus gpus) {
        return gpus.sample().gpus().get(0).processes();
    }

    @Test
    void namesRealProcessesAndReportsAGoneOneWithWhatNvmlKnows() throws Exception {
        long first = sleeper();
        long second = sleeper();
        long gone = gonePid();
        fake.script("count 1",
                "gpu 0 process " + first + " " + 30144 * MIB,
                "gpu 0 process " + second + " " + 2048 * MIB,
                "gpu 0 process " + gone + " " + 512 * MIB);
        try (Gpus gpus = Gpus.open(fake.path())) {
            var listed = sample(gpus).listed();

            assertEquals(List.of(first, second, gone), listed.stream().map(GpuProcess::pid).toList(), "largest first");
            String unit = ProcText.cgroup(Files.readString(Path.of("/proc/self/cgroup"))).unit();
            for (GpuProcess child : listed.subList(0, 2)) {
                assertAll(() -> assertEquals("sleep", child.name()),
                        () -> assertEquals(unit, child.unit(), "the unit of the test's own cgroup, which children inherit"),
                        () -> assertEquals(System.getProperty("user.name"), child.user()),
                        () -> assertNull(child.commandLine(), "command lines are off by default"));
            }
            assertEquals(new GpuProcess(gone, null, null, null, null, 512, null, null, null), listed.get(2));
            assertEquals(List.of(30144, 2048), listed.subList(0, 2).stream().map(GpuProcess::vramUsedMib).toList());
        }
    }

    @Test
    void readsTheRealUnitWhereTheSandboxHasOne() throws Exception {
        String cgroup = Files.readString(Path.of("/proc/self/cgroup"));
        assumeTrue(cgroup.contains(".service") || cgroup.contains(".scope"), "this sandbox runs in no systemd unit: " + cgroup);
        long child = sleeper();
        fake.script("gpu 0 process " + child + " " + MIB);
        try (Gpus gpus = Gpus.open(fake.path())) {
            String unit = sample(gpus).listed().get(0).unit();
            assertNotNull(unit);
            assertTrue(Files.readString(Path.of("/proc/" + child + "/cgroup")).contains(unit));
        }
    }

    @Test
    void reportsTheCommandLineOnlyWhenAskedTo() throws Exception {
        long child = sleeper();
        fake.script("gpu 0 process " + child + " " + MIB);
        try (Gpus gpus = Gpus.open(fake.path()).reportingCommandLines(true)) {
            assertEquals("sleep 300", sample(gpus).listed().get(0).commandLine());
        }
    }

    @Test
    void reportsUnknownMemoryAsNullAndAProcessInBothListsOnce() {
        fake.script("gpu 0 process 101 na", "gpu 0 process 102 na graphics", "gpu 0 process 101 na graphics",
                "gpu 0 process 103 1048576 graphics");
        try (Gpus gpus = Gpus.open(fake.path())) {
            var listed = sample(gpus).listed();

            assertEquals(List.of(103L, 101L, 102L), listed.stream().map(GpuProcess::pid).toList());
            assertEquals(1, listed.get(0).vramUsedMib());
            assertNull(listed.get(1).vramUsedMib());
        }
    }

    @Test
    void readsAListThatGrowsBetweenTheCallsBeyondTheSlack() {
        var script = new ArrayList<>(List.of("gpu 0 process 100 " + MIB));
        IntStream.range(0, ProcessReads.SLACK + 2).forEach(i -> script.add("gpu 0 late_process " + (200 + i) + " " + MIB));
        fake.script(script.toArray(String[]::new));
        try (Gpus gpus = Gpus.open(fake.path())) {
            assertEquals(ProcessReads.SLACK + 3, sample(gpus).listed().size());
        }
    }

    @Test
    void readsBothListsThroughTheV2CallsWhereTheDriverPredatesV3() {
        var old = FakeNvml.beforeR510();
        var script = new ArrayList<>(List.of("count 2", "gpu 0 process 100 " + 3 * MIB,
                "gpu 0 process 101 " + 2 * MIB + " graphics", "gpu 0 process 100 na graphics",
                "gpu 1 process 300 " + MIB));
        IntStream.range(0, ProcessReads.SLACK + 2).forEach(i -> script.add("gpu 0 late_process " + (200 + i) + " " + MIB));
        old.script(script.toArray(String[]::new));
        try (var log = new LogLines(ProcessReads.class); Gpus gpus = Gpus.open(old.path())) {
            for (int round = 0; round < 2; round++) {
                var readings = gpus.sample().gpus();
                var first = readings.get(0).processes().listed();

                assertEquals(List.of(100L, 101L), first.subList(0, 2).stream().map(GpuProcess::pid).toList(),
                        "largest first, the process in both lists once");
                assertEquals(3, first.get(0).vramUsedMib());
                assertEquals(2 + ProcessReads.SLACK + 2, first.size(), "grown beyond the slack between the calls");
                assertEquals(List.of(300L), readings.get(1).processes().listed().stream().map(GpuProcess::pid).toList());
            }
            assertEquals(1, log.count("_v2"), log.shown().toString());
        }
    }

    @Test
    void listsTheLargestAndSumsTheRestAsOther() {
        var script = new ArrayList<String>();
        IntStream.range(0, 40).forEach(i -> script.add("gpu 0 process " + (1000 + i) + " " + (i + 1) * MIB));
        fake.script(script.toArray(String[]::new));
        try (Gpus gpus = Gpus.open(fake.path())) {
            var processes = sample(gpus);

            assertEquals(GpuProcesses.MAX_LISTED, processes.listed().size());
            assertEquals(40, processes.listed().get(0).vramUsedMib());
            assertEquals(8, processes.otherCount());
            assertEquals(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8, processes.otherVramUsedMib());
        }
    }

    @Test
    void takesTheUtilizationOfNewerSamplesOnly() {
        fake.script("gpu 0 process 100 " + MIB, "gpu 0 process_utilization 100 87 40", "gpu 0 utilization_timestamp 5000");
        try (Gpus gpus = Gpus.open(fake.path())) {
            var busy = sample(gpus).listed().get(0);
            assertEquals(87, busy.smPercent());
            assertEquals(40, busy.memoryPercent());

            assertNull(sample(gpus).listed().get(0).smPercent(), "NOT_FOUND: no sample newer than the last one");
        }
    }

    @Test
    void leavesTheProcessesOutWhereNvmlCannotListThem() {
        fake.script("gpu 0 fail processes 3", "gpu 0 fail graphics_processes 3");
        try (Gpus gpus = Gpus.open(fake.path())) {
            var reading = gpus.sample().gpus().get(0);

            assertFalse(reading.lost());
            assertEquals(GpuProcesses.NOT_READ, reading.processes());
            assertFalse(MetricsPayload.json(1, 1, new Sample(java.time.Instant.now(), List.of(reading))).contains("processes"));
        }
    }

    @Test
    void withoutUtilizationSupportTheProcessesStillCount() {
        fake.script("gpu 0 process 100 " + MIB, "gpu 0 fail process_utilization 3");
        try (Gpus gpus = Gpus.open(fake.path())) {
            assertNull(sample(gpus).listed().get(0).smPercent());
            assertEquals(1, sample(gpus).listed().size());
        }
    }
}
