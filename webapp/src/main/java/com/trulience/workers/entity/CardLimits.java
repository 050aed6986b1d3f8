package com.trulience.workers.entity;

import java.io.Serializable;

/** A card's own limits as its agent's hello announced them; each null where the card does not report it. */
public record CardLimits(Integer slowdownTemperatureCelsius, Integer shutdownTemperatureCelsius, Integer maxSmClockMhz,
                         Integer enforcedPowerLimitWatts) implements Serializable {

    public static final CardLimits NONE = new CardLimits(null, null, null, null);
}
