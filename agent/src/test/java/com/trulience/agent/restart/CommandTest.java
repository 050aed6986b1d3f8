package com.trulience.agent.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real child processes: the timeout holds whatever the program does with its output. */
class CommandTest {

    @Test
    void givesUpOnAProgramThatHangsWithItsOutputOpen() {
        // like a hung `systemctl restart`: no output, stdout held open, never exits
        var result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Command.run(List.of("sleep", "60"), Duration.ofSeconds(1)));
        assertEquals(-1, result.exitCode());
        assertTrue(result.output().contains("did not finish within 1 s"), result.output());
    }

    @Test
    void givesUpOnAProgramThatKeepsWritingAndKeepsTheFirst4KiB() {
        var result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Command.run(List.of("yes", "restarting"), Duration.ofSeconds(1)));
        assertEquals(-1, result.exitCode());
    }

    @Test
    void keepsTheOutputAndExitCodeOfAProgramThatFinishes() {
        var result = Command.run(List.of("sh", "-c", "echo one; echo two >&2; exit 3"), Duration.ofSeconds(10));
        assertEquals(3, result.exitCode());
        assertEquals("one\ntwo", result.output());
    }

    @Test
    void keepsOnlyTheFirst4KiBOfALongOutput() {
        var result = Command.run(List.of("head", "-c", "100000", "/dev/zero"), Duration.ofSeconds(10));
        assertEquals(0, result.exitCode());
        assertEquals(Command.MAX_OUTPUT, result.output().length());
    }
}
