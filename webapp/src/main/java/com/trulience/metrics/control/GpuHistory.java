package com.trulience.metrics.control;

import java.time.Instant;
import java.util.List;

/** One GPU's history as {@link History} reads it: single samples, or time buckets when the query is aggregated. */
public record GpuHistory(int gpuIndex, List<Point> points) {

    public GpuHistory {
        points = List.copyOf(points);
    }

    /**
     * A sample, or a bucket's averages with its maxima and sample count (for a sample these are 1 and the values
     * themselves). Numbers are Long where the database counted or gave whole units, Double to a tenth where it
     * averaged, null where the card reported nothing.
     */
    public record Point(Instant time, Number samples, Number temperatureCelsius, Number temperatureCelsiusMax,
                        Number utilizationPercent, Number utilizationPercentMax, Number vramUsedMb, Number vramUsedMbMax,
                        Number vramTotalMb, Number powerDrawWatts, Number powerDrawWattsMax, Number fanSpeedPercent,
                        Number smClockMhz, Number memoryTemperatureCelsius) {

        /** A point of a card that reports neither SM clock nor memory temperature. */
        public Point(Instant time, Number samples, Number temperatureCelsius, Number temperatureCelsiusMax,
                     Number utilizationPercent, Number utilizationPercentMax, Number vramUsedMb, Number vramUsedMbMax,
                     Number vramTotalMb, Number powerDrawWatts, Number powerDrawWattsMax, Number fanSpeedPercent) {
            this(time, samples, temperatureCelsius, temperatureCelsiusMax, utilizationPercent, utilizationPercentMax, vramUsedMb,
                    vramUsedMbMax, vramTotalMb, powerDrawWatts, powerDrawWattsMax, fanSpeedPercent, null, null);
        }
    }
}
