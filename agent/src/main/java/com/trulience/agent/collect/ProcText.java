package com.trulience.agent.collect;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text of {@code /proc/<pid>} files, apart from reading them so that the parsing is tested on
 * strings (node_exporter's habit). Everything here is the kernel's text about processes that anyone can
 * start, so it is treated as hostile: control characters go, lengths are bounded.
 */
final class ProcText {

    /** The kernel's own bound of {@code comm} is 15 bytes; the backend allows this many characters. */
    static final int MAX_NAME = 64;
    static final int MAX_UNIT = 256;
    static final int MAX_COMMAND_LINE = 1024;
    /** Field 22 of /proc/pid/stat, counted from the first field after the name's closing parenthesis (field 3). */
    private static final int START_TIME_AFTER_NAME = 22 - 3;
    /** Control and format characters (C0, C1, bidi overrides, zero-width): what the backend refuses in a name. */
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}]");
    /**
     * A container's cgroup, whatever the runtime and cgroup driver: {@code docker-<id>.scope},
     * {@code cri-containerd-<id>.scope}, {@code crio-<id>.scope}, {@code libpod-<id>.scope} (systemd driver) or the
     * bare 64-hex id under {@code /docker/}, {@code /kubepods/.../pod<uid>/} (cgroupfs driver).
     */
    private static final Pattern CONTAINER = Pattern.compile(
            "(?:(?:docker|cri-containerd|crio|libpod|containerd)-)?([0-9a-f]{64})(?:\\.scope)?");
    /** systemd escapes anything else; a delegated subtree may hold any name, which is then no unit. */
    private static final Pattern UNIT = Pattern.compile("[^\\s\\p{Cc}\\p{Cf}]+\\.(?:service|scope)");

    /** {@code comm} and the start time (clock ticks since boot) of /proc/pid/stat. */
    record Stat(String name, long startTicks) {
    }

    /** The systemd unit and the container id that a /proc/pid/cgroup names, each null when none. */
    record Cgroup(String unit, String container) {
    }

    private ProcText() {
    }

    /** Null when the text is not a stat line. The name may contain spaces and parentheses: it ends at the last ')'. */
    static Stat stat(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String[] fields = text.substring(close + 1).trim().split(" ");
        if (fields.length <= START_TIME_AFTER_NAME) {
            return null;
        }
        try {
            return new Stat(clean(text.substring(open + 1, close), MAX_NAME),
                    Long.parseLong(fields[START_TIME_AFTER_NAME]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * cgroup v2 ({@code 0::/system.slice/comfyui.service}) or v1 (one {@code id:controllers:path} line per
     * hierarchy, {@code name=systemd} the one systemd keeps): the innermost {@code .service} or {@code .scope}
     * of the unified or systemd path, and a container id from any line.
     */
    static Cgroup cgroup(String text) {
        String unit = null;
        String container = null;
        for (String line : text.split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            String controllers = parts[1];
            String path = parts[2].trim();
            boolean systemdPath = controllers.isEmpty() || controllers.equals("name=systemd");
            for (String segment : path.split("/")) {
                Matcher id = CONTAINER.matcher(segment);
                if (container == null && id.matches()) {
                    container = id.group(1);
                }
                if (systemdPath && UNIT.matcher(segment).matches()) {
                    unit = clean(segment, MAX_UNIT);
                }
            }
            if (systemdPath && unit != null && controllers.equals("name=systemd")) {
                break;
            }
        }
        return new Cgroup(unit, container);
    }

    /** /proc/pid/cmdline: arguments separated by NUL; joined by spaces, cleaned, truncated; null when empty. */
    static String commandLine(byte[] raw) {
        var text = new String(raw, 0, Math.min(raw.length, 4 * MAX_COMMAND_LINE), java.nio.charset.StandardCharsets.UTF_8);
        return clean(text.replace('\0', ' '), MAX_COMMAND_LINE);
    }

    /** Without control characters, trimmed, at most {@code max} characters; null when nothing is left. */
    static String clean(String text, int max) {
        String kept = CONTROL.matcher(text).replaceAll("").strip();
        if (kept.length() > max) {
            kept = kept.substring(0, Character.isHighSurrogate(kept.charAt(max - 1)) ? max - 1 : max);
        }
        return kept.isEmpty() ? null : kept;
    }
}
