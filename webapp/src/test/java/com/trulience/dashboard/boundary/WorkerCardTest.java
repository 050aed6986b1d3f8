package com.trulience.dashboard.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class WorkerCardTest {

    @Test
    void saysHowFarTheAgentsClockIsOffInWholeSeconds() {
        assertEquals("clock off by 600 s", WorkerCard.clockOff(599_612L));
        assertEquals("clock off by 31 s", WorkerCard.clockOff(31_000L));
        assertNull(WorkerCard.clockOff(null), "nothing while the clock is within the tolerance");
    }
}
