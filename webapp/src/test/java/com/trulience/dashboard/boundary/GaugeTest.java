package com.trulience.dashboard.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.trulience.alerts.control.Levels;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GaugeTest {

    private static final Optional<Levels> TEMPERATURE = Optional.of(new Levels("temperature_celsius", 70, 85, true, false));

    @Test
    void isGreenBelowWarningYellowFromWarningRedFromCritical() {
        assertEquals("ok", temperature(69).level());
        assertEquals("warning", temperature(70).level());
        assertEquals("warning", temperature(84).level());
        assertEquals("critical", temperature(85).level());
    }

    @Test
    void drawsTheThresholdTicksOnItsScaleAndClampsTheBar() {
        var gauge = Gauge.of("temperature_celsius", "Temperature", 120.0, 120, "120 °C", "", TEMPERATURE, 100);
        assertEquals("100.0%", gauge.width());
        assertEquals("70.0%", gauge.warningPosition());
        assertEquals("85.0%", gauge.criticalPosition());
    }

    @Test
    void aSwitchedOffMetricStaysGreenWithoutTicksAndAMissingReadingIsGrey() {
        var off = Optional.of(new Levels("temperature_celsius", 70, 85, false, true));
        var gauge = Gauge.of("temperature_celsius", "Temperature", 99.0, 99, "99 °C", "", off, 100);
        assertEquals("ok", gauge.level());
        assertNull(gauge.warningPosition());
        assertEquals("none", Gauge.of("power_draw_percent", "Power", null, 0, "n/a", "", TEMPERATURE, 100).level());
    }

    private static Gauge temperature(int celsius) {
        return Gauge.of("temperature_celsius", "Temperature", (double) celsius, celsius, celsius + " °C", "", TEMPERATURE, 100);
    }
}
