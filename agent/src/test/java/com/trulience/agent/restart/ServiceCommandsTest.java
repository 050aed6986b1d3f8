package com.trulience.agent.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The exact programs and argument lists a restart runs, recorded instead of run. */
class ServiceCommandsTest {

    private final List<List<String>> ran = new ArrayList<>();

    @Test
    void restartsASystemdUnitWithOneArgumentListAndChecksItIsActive() {
        var systemd = new Systemd("/usr/bin/systemctl", argv -> {
            ran.add(argv);
            return new Command.Result(0, "");
        });

        systemd.restart(new ServiceName("comfyui@2"));
        assertTrue(systemd.active(new ServiceName("comfyui")));

        assertEquals(List.of(List.of("/usr/bin/systemctl", "restart", "comfyui@2.service"),
                List.of("/usr/bin/systemctl", "is-active", "--quiet", "comfyui.service")), ran);
    }

    @Test
    void reportsAFailedSystemctlWithItsOutput() {
        var systemd = new Systemd("/usr/bin/systemctl", argv -> new Command.Result(4,
                "Failed to restart comfyui.service: Access denied\nSee system logs"));

        var failure = assertThrows(ServiceControl.Failed.class, () -> systemd.restart(new ServiceName("comfyui")));
        assertTrue(failure.getMessage().startsWith("systemctl restart comfyui.service failed (exit 4): Failed to restart"),
                failure.getMessage());
    }

    @Test
    void stopsWaitsUntilStoppedThenStartsAWindowsService() {
        var states = new ArrayDeque<>(List.of(3, 3, 1));
        var windows = new WindowsServices("C:\\Windows\\System32\\sc.exe", argv -> {
            ran.add(argv);
            if (argv.get(1).equals("query")) {
                int state = states.isEmpty() ? 4 : states.poll();
                return new Command.Result(0, "SERVICE_NAME: comfyui\n        TYPE               : 10  WIN32_OWN_PROCESS\n"
                        + "        STATE              : " + state + "  WHATEVER_IN_ANY_LANGUAGE\n");
            }
            return new Command.Result(argv.get(1).equals("stop") ? 1062 : 0, "");
        }, Duration.ofSeconds(5), Duration.ofMillis(1));

        windows.restart(new ServiceName("comfyui"));
        assertTrue(windows.active(new ServiceName("comfyui")));

        String sc = "C:\\Windows\\System32\\sc.exe";
        assertEquals(List.of(List.of(sc, "stop", "comfyui"), List.of(sc, "query", "comfyui"), List.of(sc, "query", "comfyui"),
                List.of(sc, "query", "comfyui"), List.of(sc, "start", "comfyui"), List.of(sc, "query", "comfyui")), ran);
    }

    @Test
    void givesUpOnAWindowsServiceThatDoesNotStop() {
        var windows = new WindowsServices("sc.exe", argv -> new Command.Result(0, "STATE : 3 STOP_PENDING"),
                Duration.ofMillis(50), Duration.ofMillis(5));

        var failure = assertThrows(ServiceControl.Failed.class, () -> windows.restart(new ServiceName("comfyui")));
        assertTrue(failure.getMessage().startsWith("comfyui did not stop within"), failure.getMessage());
        assertFalse(windows.active(new ServiceName("comfyui")));
    }

    @Test
    void readsTheServiceStateByItsNumber() {
        assertEquals(OptionalInt.of(4), WindowsServices.state("        STATE              : 4  RUNNING\n"));
        assertEquals(OptionalInt.of(1), WindowsServices.state("        ÉTAT              : 1  ARRÊTÉ".replace("ÉTAT", "STATE")));
        assertEquals(OptionalInt.empty(), WindowsServices.state("[SC] OpenService FAILED 1060"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfyui; rm -rf /", "$(reboot)", "`reboot`", "../x", "..", ".hidden", "comfyui\nreboot",
            "comfyui\n", " comfyui", "comfyui ", "-H.service", "--force", "comfyui.service", "comfy ui", "comfyui|sh",
            "comfyui&&reboot", "a/b", "C:\\x", "comfyuі", "ｃｏｍｆｙｕｉ", "comfyui\u200b", "cоmfyui", "", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void refusesHostileNamesBeforeAnyCommandIsBuilt(String hostile) {
        assertFalse(ServiceName.valid(hostile), hostile);
        assertThrows(IllegalArgumentException.class, () -> new ServiceName(hostile));
    }

    @ParameterizedTest
    @ValueSource(strings = {"comfyui", "comfyui@2", "comfy_ui-1.worker", "A", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void acceptsPlainServiceNames(String name) {
        assertTrue(ServiceName.valid(name), name);
    }

    @Test
    void runsAProgramWithoutAShell() {
        // Were this a shell, "$(echo injected)" would be expanded.
        var result = Command.run(List.of("/bin/echo", "$(echo injected);", "`id`"), Duration.ofSeconds(10));
        assertEquals(new Command.Result(0, "$(echo injected); `id`"), result);
        assertEquals(-1, Command.run(List.of("/nonexistent/systemctl", "restart", "x.service"), Duration.ofSeconds(5)).exitCode());
    }
}
