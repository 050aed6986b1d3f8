package com.trulience.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void roundsBytesDownToWholeMib() {
        assertEquals(0, Units.bytesToMib(1_048_575));
        assertEquals(1, Units.bytesToMib(1_048_576));
        assertEquals(81_559, Units.bytesToMib(85_520_809_984L));
    }

    @Test
    void treatsBytesAsUnsigned() {
        assertEquals(Integer.MAX_VALUE, Units.bytesToMib((long) Integer.MAX_VALUE << 20));
        assertEquals((int) (Long.divideUnsigned(-1L, 1 << 20)), Units.bytesToMib(-1L));
    }

    @Test
    void roundsMilliwattsHalfUpToWholeWatts() {
        assertEquals(0, Units.milliwattsToWatts(499));
        assertEquals(1, Units.milliwattsToWatts(500));
        assertEquals(512, Units.milliwattsToWatts(512_499));
        assertEquals(513, Units.milliwattsToWatts(512_500));
        assertEquals(700, Units.milliwattsToWatts(700_000));
        assertEquals(4_294_967, Units.milliwattsToWatts(-1), "unsigned int max");
    }
}
