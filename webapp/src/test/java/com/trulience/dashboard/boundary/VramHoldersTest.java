package com.trulience.dashboard.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.trulience.metrics.control.Processes;
import com.trulience.metrics.entity.GpuProcess;
import com.trulience.metrics.entity.GpuProcesses;
import java.util.List;
import org.junit.jupiter.api.Test;

class VramHoldersTest {

    private static final GpuProcess COMFY = new GpuProcess(1234, "python3", "comfyui.service", null, "comfy", 30144, 87, 40, null);
    private static final GpuProcess GONE = new GpuProcess(99, null, null, null, null, 512, null, null, null);

    private static VramHolders of(int usedMb, GpuProcess... processes) {
        return VramHolders.of(new Processes.GpuHolders(0, null, usedMb, 81920, new GpuProcesses(List.of(processes), 0, null)),
                List.of("comfyui"));
    }

    @Test
    void marksTheAnnouncedServiceAndShowsAGoneProcessAsExited() {
        var holders = of(40000, COMFY, GONE);

        assertEquals(new VramHolders.Row(1234, "python3", "comfyui.service", "30144", "36.8 %", "87 %", true), holders.rows().get(0));
        assertEquals(new VramHolders.Row(99, "(exited)", "–", "512", "0.6 %", "–", false), holders.rows().get(1));
    }

    @Test
    void showsUnattributedVramOnlyWhenItIsLarge() {
        assertEquals("9344 MiB (11.4 %)", of(40000, COMFY, GONE).unattributed());
        assertNull(of(30144 + 512 + 400, COMFY, GONE).unattributed(), "a few hundred MiB are the driver's");
    }

    @Test
    void matchesServicesToTheirUnits() {
        assertTrue(VramHolders.allowListed("comfyui.service", List.of("comfyui")));
        assertTrue(VramHolders.allowListed("comfyui@2.service", List.of("comfyui")));
        assertTrue(VramHolders.allowListed("comfyui.service", List.of("comfyui.service")));
        assertFalse(VramHolders.allowListed("comfyui-evil.service", List.of("comfyui")));
        assertFalse(VramHolders.allowListed("session-3.scope", List.of("comfyui")));
        assertFalse(VramHolders.allowListed(null, List.of("comfyui")));
    }

    @Test
    void aGpuWithoutReportedProcessesSaysSo() {
        var holders = VramHolders.of(new Processes.GpuHolders(0, null, 1, 2, GpuProcesses.NOT_REPORTED), List.of());

        assertFalse(holders.reported());
        assertNull(holders.unattributed());
    }
}
