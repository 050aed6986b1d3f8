package com.trulience.restarts.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RestartLogTest {

    private static RestartLog log() {
        return new RestartLog(7, "comfyui", 1, "VRAM leak", false);
    }

    @Test
    void movesForwardThroughTheProtocolsStatesAndStampsTheEnd() {
        var log = log();
        assertTrue(log.moveTo(RestartStatus.WAITING_FOR_JOB, null));
        assertFalse(log.moveTo(RestartStatus.WAITING_FOR_JOB, null), "a repeat changes nothing");
        assertTrue(log.moveTo(RestartStatus.STOPPING, null));
        assertTrue(log.moveTo(RestartStatus.RESTARTING, null));
        assertNull(log.completedAt());
        assertTrue(log.moveTo(RestartStatus.COMPLETED, "ignored"));
        assertEquals(RestartStatus.COMPLETED, log.status());
        assertNotNull(log.completedAt());
        assertNull(log.errorMessage());
        assertFalse(log.inFlight());
    }

    @Test
    void refusesStepsBackSkipsAndAnyChangeAfterTheEnd() {
        var log = log();
        assertThrows(IllegalStateException.class, () -> log.moveTo(RestartStatus.COMPLETED, null));
        assertThrows(IllegalStateException.class, () -> log.moveTo(RestartStatus.RESTARTING, null));
        log.moveTo(RestartStatus.STOPPING, null);
        var back = assertThrows(IllegalStateException.class, () -> log.moveTo(RestartStatus.WAITING_FOR_JOB, null));
        assertEquals("cannot go from stopping to waiting_for_job (next may be [failed, restarting])", back.getMessage());
        log.moveTo(RestartStatus.FAILED, "Access denied");
        assertEquals("Access denied", log.errorMessage());
        assertThrows(IllegalStateException.class, () -> log.moveTo(RestartStatus.COMPLETED, null));
        assertFalse(log.moveTo(RestartStatus.FAILED, "again"));
        assertEquals("Access denied", log.errorMessage());
    }

    @Test
    void recordsARefusedRequestAsFailedAtOnce() {
        var refused = RestartLog.refused(7, "comfyui", 1, null, true, "worker offline");
        assertEquals(RestartStatus.FAILED, refused.status());
        assertEquals("worker offline", refused.errorMessage());
        assertTrue(refused.force());
        assertNotNull(refused.completedAt());
    }

    @Test
    void anActionStepsThroughRunningAndKeepsItsVramFigures() {
        var action = new RestartLog(7, Action.FREE_MEMORY, "comfyui", 1, null, false);
        assertEquals(Action.FREE_MEMORY, action.action());
        assertThrows(IllegalStateException.class, () -> action.moveTo(RestartStatus.STOPPING, null), "a restart's step");
        assertTrue(action.moveTo(new StatusReport(1, RestartStatus.RUNNING, null, null, null)));
        assertFalse(action.moveTo(new StatusReport(1, RestartStatus.RUNNING, null, null, null)), "a repeat changes nothing");
        assertTrue(action.moveTo(new StatusReport(1, RestartStatus.COMPLETED, null, 20480, 1100)));
        assertEquals(20480, action.vramBeforeMb());
        assertEquals(1100, action.vramAfterMb());
        assertThrows(IllegalStateException.class, () -> action.moveTo(new StatusReport(1, RestartStatus.FAILED, "late", 1, 1)));
        assertEquals(1100, action.vramAfterMb());

        var direct = new RestartLog(7, Action.INTERRUPT, "comfyui", 1, null, true);
        assertTrue(direct.moveTo(RestartStatus.FAILED, "ComfyUI unreachable"), "initiated may end at once");
        assertThrows(IllegalStateException.class, () -> log().moveTo(RestartStatus.RUNNING, null), "running is not a restart's");
    }
}
