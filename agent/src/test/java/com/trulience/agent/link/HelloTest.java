package com.trulience.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.agent.collect.Inventory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HelloTest {

    @Test
    void writesTheHelloOfDesignSectionTwoWithTheIntervalAndServices() {
        var inventory = new Inventory("550.54.15", List.of(
                new Inventory.Gpu(0, "NVIDIA H100 80GB HBM3", "GPU-0a1b2c3d-0000-1111-2222-333344445555", 700,
                        new Inventory.Limits(87, 92, 1980)),
                new Inventory.Gpu(1, "NVIDIA A100-SXM4-40GB", null, null, Inventory.Limits.NONE)));

        assertEquals("{\"type\":\"hello\",\"worker_id\":7,\"hostname\":\"gpu-07\",\"agent_version\":\"0.1.0\","
                        + "\"driver_version\":\"550.54.15\",\"metrics_interval_secs\":5,\"gpus\":["
                        + "{\"gpu_index\":0,\"name\":\"NVIDIA H100 80GB HBM3\",\"uuid\":\"GPU-0a1b2c3d-0000-1111-2222-333344445555\",\"power_limit_watts\":700,"
                        + "\"enforced_power_limit_watts\":700,\"slowdown_temperature_celsius\":87,\"shutdown_temperature_celsius\":92,"
                        + "\"max_sm_clock_mhz\":1980},"
                        + "{\"gpu_index\":1,\"name\":\"NVIDIA A100-SXM4-40GB\",\"uuid\":null,\"power_limit_watts\":null,"
                        + "\"enforced_power_limit_watts\":null,\"slowdown_temperature_celsius\":null,\"shutdown_temperature_celsius\":null,"
                        + "\"max_sm_clock_mhz\":null}],"
                        + "\"services\":[\"comfyui\",\"comfyui@2\"]}",
                Hello.json(7, "gpu-07", "0.1.0", inventory, Duration.ofSeconds(5), List.of("comfyui", "comfyui@2")));
    }

    @Test
    void theCurrentHelloIsBuiltAgainOnlyForANewInventory() {
        var first = new Inventory("550.54.15", List.of());
        var inventory = new java.util.concurrent.atomic.AtomicReference<>(first);
        var asked = new java.util.concurrent.atomic.AtomicInteger();
        var hello = Hello.current(7, "gpu-07", "0.1.0", () -> {
            asked.incrementAndGet();
            return inventory.get();
        }, Duration.ofSeconds(5), List.of());

        String text = hello.get();
        assertTrue(text == hello.get(), "the same text, not built again");
        assertEquals(2, asked.get(), "the inventory is looked at every time");
        inventory.set(new Inventory("550.54.15", List.of()));
        assertTrue(text != hello.get(), "an inventory from NVML opened again: built again");
        inventory.set(new Inventory("560.35.03", List.of()));
        assertTrue(hello.get().contains("\"driver_version\":\"560.35.03\""));
    }

    @Test
    void sendsNullForADriverVersionTheBackendWouldRefuseAndAtLeastOneSecond() {
        String hello = Hello.json(7, "gpu-07", "0.1.0", new Inventory("5 5 0", List.of()), Duration.ofMillis(200), List.of());

        assertTrue(hello.contains("\"driver_version\":null,\"metrics_interval_secs\":1,\"gpus\":[],\"services\":[]"), hello);
    }

    @Test
    void cleansHostnamesAndGpuNamesToWhatTheBackendAccepts() {
        assertEquals("gpu-07.lab", Hello.hostname(" gpu-07.lab\n"));
        assertEquals("GPU-07-R-cken", Hello.hostname("_GPU_07 Rücken"));
        assertEquals("unknown", Hello.hostname("..."));
        assertEquals(253, Hello.hostname("a".repeat(300)).length());
        assertEquals("NVIDIA ?H100?", Hello.text("NVIDIA <H100>"));
        assertEquals(96, Hello.text("x".repeat(200)).length());
        assertEquals(null, Hello.text(" "));
        assertTrue(Hello.localHostname(Map.of()).matches("[A-Za-z0-9][A-Za-z0-9.-]{0,252}"));
    }
}
