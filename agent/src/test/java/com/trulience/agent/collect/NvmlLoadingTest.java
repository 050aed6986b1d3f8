package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.trulience.agent.nvml.NvmlUnavailable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Needs no fake: the failures before NVML is even initialised. */
class NvmlLoadingTest {

    @Test
    void explainsAMissingDriverLibrary() {
        var failure = assertThrows(NvmlUnavailable.class, () -> Gpus.open("/nonexistent/libnvidia-ml.so.1"));

        assertEquals("The NVIDIA driver library /nonexistent/libnvidia-ml.so.1 was not found: install the NVIDIA"
                + " driver, or set NVML_LIBRARY to the full path of libnvidia-ml.so.1 (nvml.dll on Windows).",
                failure.getMessage());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void explainsALibraryWithoutTheVersionedInit() {
        // Any loadable library without nvmlInit_v2 stands for a driver that predates it.
        var failure = assertThrows(NvmlUnavailable.class, () -> Gpus.open("libc.so.6"));

        assertEquals("The NVIDIA driver library libc.so.6 is too old for this agent (it lacks nvmlInit_v2 or"
                + " another call the agent needs): install a current NVIDIA driver.", failure.getMessage());
    }
}
