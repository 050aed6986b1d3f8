package com.trulience.agent.collect;

/**
 * What the process table says about a PID: the process name ({@code comm} on Linux, the image name on
 * Windows), the systemd unit and container it runs in, its user, and its command line only when asked for.
 * Null where unknown; {@link #UNKNOWN} for a process that is gone or cannot be looked at.
 */
public record ProcessFacts(String name, String unit, String container, String user, String commandLine) {

    public static final ProcessFacts UNKNOWN = new ProcessFacts(null, null, null, null, null);
}
