package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The /proc texts as the kernel writes them, on strings. */
class ProcTextTest {

    private static final String ID = "4f3c2b1a09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2";

    @Test
    void readsTheNameAndStartTimeOfAStatLine() {
        var stat = ProcText.stat("1234 (python3) S 1 1234 1234 0 -1 4194560 12 0 0 0 5 3 0 0 20 0 4 0 987654 1000 100 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0");

        assertEquals(new ProcText.Stat("python3", 987654), stat);
    }

    @Test
    void takesANameWithSpacesAndParenthesesUpToTheLastParenthesis() {
        var stat = ProcText.stat("77 (a) b (c) R 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0");

        assertEquals(new ProcText.Stat("a) b (c", 4242), stat);
    }

    @Test
    void dropsControlCharactersAndKeepsMarkupAsText() {
        var stat = ProcText.stat("9 (<b>\u001b[31mx\n) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0");

        assertEquals("<b>[31mx", stat.name());
    }

    @Test
    void dropsWhatTheBackendRefusesInANameC1ControlsAndBidiOverrides() {
        assertEquals("abc", ProcText.clean("a\u0085b\u202ec\u200b", 64));
    }

    @Test
    void aSegmentWithASpaceIsNoUnit() {
        assertEquals(new ProcText.Cgroup("user@1000.service", null),
                ProcText.cgroup("0::/user.slice/user-1000.slice/user@1000.service/evil name.scope"));
    }

    @Test
    void refusesWhatIsNoStatLine() {
        assertNull(ProcText.stat("garbage"));
        assertNull(ProcText.stat("1 (x) S 1 2"));
        assertNull(ProcText.stat("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 notanumber"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "cgroup v2, a systemd service          | 0::/system.slice/comfyui.service                                   | comfyui.service | -",
        "cgroup v2, a user session             | 0::/user.slice/user-1000.slice/session-3.scope                     | session-3.scope | -",
        "cgroup v2, an app of a user manager   | 0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-x.scope | app-x.scope | -",
        "cgroup v2, the root                   | 0::/                                                               | -               | -",
        "cgroup v2, docker (systemd driver)    | 0::/system.slice/docker-" + ID + ".scope                           | docker-" + ID + ".scope | " + ID,
        "cgroup v2, kubernetes with containerd | 0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b.slice/cri-containerd-" + ID + ".scope | cri-containerd-" + ID + ".scope | " + ID,
        "cgroup v2, podman                     | 0::/machine.slice/libpod-" + ID + ".scope/container                | libpod-" + ID + ".scope | " + ID,
        "cgroup v2, cri-o                      | 0::/kubepods.slice/crio-" + ID + ".scope                           | crio-" + ID + ".scope | " + ID,
        "cgroup v2, podman's conmon is no container | 0::/machine.slice/libpod-conmon-" + ID + ".scope              | libpod-conmon-" + ID + ".scope | -",
    })
    void findsTheUnitAndContainer(String description, String text, String unit, String container) {
        assertEquals(new ProcText.Cgroup(unit, container), ProcText.cgroup(text));
    }

    @Test
    void readsCgroupV1WithTheSystemdHierarchyForTheUnitAndAnyForTheContainer() {
        String v1 = """
                12:pids:/docker/%s
                11:memory:/docker/%s
                3:cpu,cpuacct:/docker/%s
                1:name=systemd:/system.slice/docker.service
                0::/
                """.formatted(ID, ID, ID);

        assertEquals(new ProcText.Cgroup("docker.service", ID), ProcText.cgroup(v1));
    }

    @Test
    void readsCgroupV1KubepodsOfTheCgroupfsDriver() {
        String v1 = "5:memory:/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-000011112222/" + ID + "\n"
                + "1:name=systemd:/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-000011112222/" + ID + "\n";

        assertEquals(new ProcText.Cgroup(null, ID), ProcText.cgroup(v1));
    }

    @Test
    void joinsTheArgumentsOfACommandLineAndDropsControlCharacters() {
        byte[] raw = "python3\0main.py\0--listen\0\u0007bell\0".getBytes(StandardCharsets.UTF_8);

        assertEquals("python3 main.py --listen bell", ProcText.commandLine(raw));
    }

    @Test
    void truncatesALongCommandLine() {
        byte[] raw = ("x".repeat(5000) + "\0").getBytes(StandardCharsets.UTF_8);

        assertEquals(ProcText.MAX_COMMAND_LINE, ProcText.commandLine(raw).length());
    }

    @Test
    void anEmptyCommandLineIsNull() {
        assertNull(ProcText.commandLine(new byte[0]));
    }
}
