package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.FakeNvml;
import com.trulience.agent.nvml.NvmlUnavailable;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Through the real JNA binding against the fake libnvidia-ml.so.1. */
class GpusTest {

    private final FakeNvml fake = FakeNvml.complete();

    private Gpus open() {
        return Gpus.open(fake.path());
    }

    @Test
    void readsTwoGpusWithTheFanOfTheSecondAsNullWhenNotSupported() {
        fake.script(
                "count 2",
                "driver 550.54.15",
                "gpu 0 name NVIDIA H100 80GB HBM3",
                "gpu 0 uuid GPU-0a1b2c3d-0000-1111-2222-333344445555",
                "gpu 0 memory 85520809984 43351158784 42169651200",
                "gpu 0 temperature 61",
                "gpu 0 utilization 97 40",
                "gpu 0 power 512000",
                "gpu 0 power_limit 700000",
                "gpu 0 fan 35",
                "gpu 1 name NVIDIA A100-SXM4-40GB",
                "gpu 1 fail fan 3");
        try (Gpus gpus = open()) {
            List<GpuReading> readings = gpus.sample().gpus();

            assertEquals("550.54.15", gpus.driverVersion());
            assertEquals(List.of(
                    new GpuReading(0, "NVIDIA H100 80GB HBM3", "GPU-0a1b2c3d-0000-1111-2222-333344445555", false,
                            40216, 81559, 61, 97, 512, 700, 35, new GpuHealth(1980, 50, List.of(), 0L, false, false, 0L),
                            GpuProcesses.NONE_RUNNING),
                    new GpuReading(1, "NVIDIA A100-SXM4-40GB", "GPU-fa4e0000-0000-0000-0000-000000000001", false,
                            2048, 81920, 41, 10, 101, 700, null, new GpuHealth(1970, 51, List.of(), 0L, false, false, 0L),
                            GpuProcesses.NONE_RUNNING)),
                    readings);
        }
    }

    @Test
    void reportsOptionalMetricsAsNullWhenPermissionIsMissing() {
        fake.script("count 1", "gpu 0 fail power 4", "gpu 0 fail power_limit 4", "gpu 0 fail fan 4");
        try (Gpus gpus = open()) {
            GpuReading gpu = gpus.sample().gpus().get(0);

            assertAll(
                    () -> assertFalse(gpu.lost()),
                    () -> assertNull(gpu.powerDrawWatts()),
                    () -> assertNull(gpu.powerLimitWatts()),
                    () -> assertNull(gpu.fanSpeedPercent()),
                    () -> assertEquals(40, gpu.temperatureCelsius()));
        }
    }

    @Test
    void readsEightGpus() {
        fake.script("count 8");
        try (Gpus gpus = open()) {
            List<GpuReading> readings = gpus.sample().gpus();

            assertEquals(IntStream.range(0, 8).boxed().toList(),
                    readings.stream().map(GpuReading::index).toList());
            assertEquals(IntStream.range(0, 8).mapToObj(i -> 40 + i).toList(),
                    readings.stream().map(GpuReading::temperatureCelsius).toList());
            assertEquals(IntStream.range(0, 8).mapToObj(i -> "Fake GPU " + i).toList(),
                    readings.stream().map(GpuReading::name).toList());
            assertTrue(readings.stream().noneMatch(GpuReading::lost));
        }
    }

    @Test
    void convertsBytesToMibAndMilliwattsToWattsExactly() {
        fake.script(
                "count 4",
                "gpu 0 memory 85899345920 0 1048575",         // 80 GiB; one byte short of 1 MiB
                "gpu 0 power 512499",
                "gpu 1 memory 85899345919 0 1048576",
                "gpu 1 power 512500",
                "gpu 2 memory 18446744073709551615 0 0",      // unsigned long long max
                "gpu 2 power 4294967295",                     // unsigned int max
                "gpu 3 power 0",
                "gpu 3 power_limit 999");
        try (Gpus gpus = open()) {
            List<GpuReading> readings = gpus.sample().gpus();

            assertAll(
                    () -> assertEquals(81920, readings.get(0).vramTotalMib()),
                    () -> assertEquals(0, readings.get(0).vramUsedMib()),
                    () -> assertEquals(512, readings.get(0).powerDrawWatts()),
                    () -> assertEquals(81919, readings.get(1).vramTotalMib()),
                    () -> assertEquals(1, readings.get(1).vramUsedMib()),
                    () -> assertEquals(513, readings.get(1).powerDrawWatts()),
                    () -> assertEquals((int) (Long.divideUnsigned(-1L, 1 << 20)), readings.get(2).vramTotalMib()),
                    () -> assertEquals(4294967, readings.get(2).powerDrawWatts()),
                    () -> assertEquals(0, readings.get(3).powerDrawWatts()),
                    () -> assertEquals(1, readings.get(3).powerLimitWatts()));
        }
    }

    @Test
    void reportsAGpuLostMidRunWhileTheOthersStillReport() {
        fake.script("count 3");
        try (Gpus gpus = open()) {
            assertTrue(gpus.sample().gpus().stream().noneMatch(GpuReading::lost));

            fake.script("count 3", "gpu 1 fail all 15");
            List<GpuReading> during = gpus.sample().gpus();

            assertEquals(List.of(false, true, false), during.stream().map(GpuReading::lost).toList());
            assertEquals("Fake GPU 1", during.get(1).name());
            assertEquals(42, during.get(2).temperatureCelsius());

            fake.script("count 3");
            assertTrue(gpus.sample().gpus().stream().noneMatch(GpuReading::lost), "GPU 1 answers again");
        }
    }

    @Test
    void reportsAGpuAsLostWhenAnyRequiredReadFails() {
        fake.script("count 3", "gpu 0 fail memory 15", "gpu 1 fail temperature 999", "gpu 2 fail utilization 15");
        try (Gpus gpus = open()) {
            assertTrue(gpus.sample().gpus().stream().allMatch(GpuReading::lost));
        }
    }

    @Test
    void reportsAGpuWhoseHandleCannotBeOpenedAsLost() {
        fake.script("count 2", "gpu 0 fail handle 15");
        try (Gpus gpus = open()) {
            List<GpuReading> readings = gpus.sample().gpus();

            assertTrue(readings.get(0).lost());
            assertFalse(readings.get(1).lost());
        }
    }

    @Test
    void reportsNullWhereTheLibraryLacksTheFanSymbolAndReadsTemperatureThroughTheNewCall() {
        var old = FakeNvml.withoutOptionalSymbols();
        old.script("count 2", "gpu 0 temperature 66", "gpu 1 temperature 71");
        try (Gpus gpus = Gpus.open(old.path())) {
            for (int round = 0; round < 2; round++) {
                List<GpuReading> readings = gpus.sample().gpus();

                assertEquals(List.of(66, 71), readings.stream().map(GpuReading::temperatureCelsius).toList());
                assertTrue(readings.stream().allMatch(gpu -> gpu.fanSpeedPercent() == null));
                assertEquals(List.of(100, 101), readings.stream().map(GpuReading::powerDrawWatts).toList());
            }
        }
    }

    // Seen on an H200 with driver 580.159.04: nvidia-smi said 0 MiB used, the v1 call 615 MiB.
    private static final String[] IDLE_H200_WITH_RESERVED_MEMORY = {
            "count 1",
            "gpu 0 memory 150754820096 150109945856 644874240",
            "gpu 0 reserved 644874240"};

    @Test
    void reportsVramUsedWithoutTheDriversReservedMemoryAsNvidiaSmiDoes() {
        fake.script(IDLE_H200_WITH_RESERVED_MEMORY);
        try (Gpus gpus = open()) {
            GpuReading gpu = gpus.sample().gpus().get(0);

            assertEquals(0, gpu.vramUsedMib());
            assertEquals(143771, gpu.vramTotalMib());
        }
    }

    @Test
    void fallsBackToTheV1MemoryCallWhereTheDriverLacksV2() {
        var old = FakeNvml.withoutOptionalSymbols();
        old.script(IDLE_H200_WITH_RESERVED_MEMORY);
        try (Gpus gpus = Gpus.open(old.path())) {
            for (int round = 0; round < 2; round++) {
                GpuReading gpu = gpus.sample().gpus().get(0);

                assertFalse(gpu.lost());
                assertEquals(615, gpu.vramUsedMib());
                assertEquals(143771, gpu.vramTotalMib());
            }
        }
    }

    @Test
    void fallsBackToTheV1MemoryCallWhenTheDriverRefusesTheV2StructVersion() {
        fake.script(String.join("\n", IDLE_H200_WITH_RESERVED_MEMORY), "gpu 0 fail memory_v2 25");
        try (Gpus gpus = open()) {
            GpuReading gpu = gpus.sample().gpus().get(0);

            assertFalse(gpu.lost());
            assertEquals(615, gpu.vramUsedMib());
        }
    }

    @Test
    void describesNvmlMemoryV2WithTheHeadersSizeAndVersion() {
        var memory = new com.trulience.agent.nvml.Nvml.MemoryInfoV2();

        assertEquals(40, memory.size());
        assertEquals(40 | (2 << 24), memory.getPointer().getInt(0));
    }

    @Test
    void pairsInitWithShutdown() {
        fake.script("count 1");
        try (Gpus gpus = open()) {
            assertEquals(1, fake.initDepth());
        }
        assertEquals(0, fake.initDepth());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "9   | The NVIDIA kernel driver is not loaded: load the nvidia kernel module",
            "4   | The agent is not allowed to talk to the NVIDIA driver: run it as a user that can open /dev/nvidia*",
            "18  | The NVIDIA driver library and the loaded kernel module have different versions",
            "12  | The NVIDIA driver library could not find its own components: reinstall the NVIDIA driver.",
            "999 | NVML could not start (UNKNOWN (999): fake NVML error 999): check the GPUs and the driver with nvidia-smi.",
            "17  | NVML could not start (OPERATING_SYSTEM (17): fake NVML error 17)"})
    void explainsEveryInitFailureInOneSentence(int code, String sentence) {
        fake.script("init " + code);

        var failure = assertThrows(NvmlUnavailable.class, this::open);

        assertTrue(failure.getMessage().startsWith(sentence), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("."));
        assertEquals(1, failure.getMessage().split("\\. ").length, "one sentence");
        assertEquals(0, fake.initDepth());
    }

    @Test
    void shutsDownAgainWhenTheGpuCountFails() {
        fake.script("count_rc 9");

        var failure = assertThrows(NvmlUnavailable.class, this::open);

        assertTrue(failure.getMessage().startsWith("The NVIDIA kernel driver is not loaded"));
        assertEquals(0, fake.initDepth());
    }

    /** What a test outside the agent does when its fake ComfyUI frees VRAM: a new script renamed over the old one. */
    @Test
    void readsTheScriptAgainWhenItsFileIsReplacedWhileTheAgentRuns() throws java.io.IOException {
        java.nio.file.Path script = fake.script("count 2", "gpu 0 memory 25769803776 4294967296 21474836480",
                "gpu 1 memory 25769803776 4294967296 21474836480");
        try (Gpus gpus = open()) {
            assertEquals(List.of(20480, 20480), gpus.sample().gpus().stream().map(GpuReading::vramUsedMib).toList());
            assertEquals(java.util.OptionalLong.of(40960), gpus.usedVramMib());

            java.nio.file.Path next = java.nio.file.Files.createTempFile(script.getParent(), "fake-nvml", ".next");
            java.nio.file.Files.writeString(next, "count 2\ngpu 0 memory 25769803776 24621613056 1153433600\n"
                    + "gpu 1 memory 25769803776 4294967296 21474836480\n");
            java.nio.file.Files.move(next, script, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertEquals(List.of(1100, 20480), gpus.sample().gpus().stream().map(GpuReading::vramUsedMib).toList(),
                    "the next sample reads the new script");
            assertEquals(java.util.OptionalLong.of(21580), gpus.usedVramMib(), "the same numbers as the samples");
        }
    }
}
