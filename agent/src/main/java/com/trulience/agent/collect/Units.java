package com.trulience.agent.collect;

/** NVML's unsigned native units to the payload's units. */
final class Units {

    private static final long BYTES_PER_MIB = 1024L * 1024L;

    private Units() {
    }

    /** Whole MiB, rounded down, as nvidia-smi shows them; {@code bytes} is unsigned. */
    static int bytesToMib(long bytes) {
        return (int) Long.divideUnsigned(bytes, BYTES_PER_MIB);
    }

    /** Whole watts, rounded half up: the backend stores whole watts. */
    static int milliwattsToWatts(int milliwatts) {
        return (int) ((Integer.toUnsignedLong(milliwatts) + 500) / 1000);
    }

    /** An unsigned int from NVML; values beyond int range are nonsense and saturate. */
    static int unsigned(int value) {
        return value < 0 ? Integer.MAX_VALUE : value;
    }
}
