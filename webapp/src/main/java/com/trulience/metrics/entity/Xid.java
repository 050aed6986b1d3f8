package com.trulience.metrics.entity;

import java.util.Map;

/**
 * The one Xid catalog: what an NVIDIA Xid code means and what the operator should do about it, after NVIDIA's Xid
 * catalog. The application Xids (13, 31, 43, 45, 68, the ones NVIDIA's Kubernetes device plugin treats as leaving
 * the GPU healthy) are warnings; the hardware ones critical. Also the meaning of the two events that are not Xids.
 */
public record Xid(Integer code, String meaning, Severity severity, Action action) {

    public enum Severity {
        WARNING, CRITICAL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum Action {
        RESTART_APP("restart the app"),
        RESET_GPU("reset the GPU"),
        REBOOT_NODE("reboot the node"),
        CONTACT_SUPPORT("contact support"),
        INFORMATIONAL("none, informational"),
        SEE_CATALOG("see NVIDIA's Xid catalog");

        private final String words;

        Action(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    public static final Xid DOUBLE_BIT_ECC = new Xid(null, "Double-bit (uncorrectable) ECC error", Severity.CRITICAL, Action.RESET_GPU);
    public static final Xid GPU_LOST = new Xid(null, "GPU is lost: NVML can no longer reach it", Severity.CRITICAL, Action.REBOOT_NODE);

    private static final Map<Integer, Xid> CATALOG = Map.ofEntries(
            application(13, "Graphics engine exception"),
            application(31, "GPU memory page fault (MMU fault)"),
            application(43, "GPU stopped processing (the application's channel was reset)"),
            application(45, "Preemptive cleanup, following other errors"),
            application(68, "Video processor (NVDEC) exception"),
            hardware(46, "GPU stopped processing (internal micro-controller)", Action.RESET_GPU),
            hardware(48, "Double-bit ECC error", Action.RESET_GPU),
            hardware(62, "Internal micro-controller halt", Action.RESET_GPU),
            Map.entry(63, new Xid(63, "Row remapping event: a memory row was retired", Severity.WARNING, Action.INFORMATIONAL)),
            hardware(64, "Row remapping failure: reset the GPU, memory may be failing", Action.CONTACT_SUPPORT),
            hardware(74, "NVLink error", Action.RESET_GPU),
            hardware(79, "GPU has fallen off the bus", Action.REBOOT_NODE),
            Map.entry(92, new Xid(92, "High single-bit ECC error rate", Severity.WARNING, Action.CONTACT_SUPPORT)),
            hardware(94, "Contained memory error: only the application using the memory is affected", Action.RESTART_APP),
            hardware(95, "Uncontained memory error", Action.RESET_GPU),
            hardware(109, "Context switch timeout", Action.RESET_GPU),
            hardware(119, "GSP RPC timeout", Action.RESET_GPU),
            hardware(120, "GSP error", Action.RESET_GPU));

    /** The catalog's entry; a code it does not know is a warning that points to NVIDIA's catalog. */
    public static Xid of(int code) {
        var known = CATALOG.get(code);
        return known != null ? known : new Xid(code, code == 999 ? "Xid that NVML could not name" : "Xid " + code,
                Severity.WARNING, Action.SEE_CATALOG);
    }

    /** One line for alerts, the webhook and the events list: "Xid 79: GPU has fallen off the bus; action: reboot the node". */
    public String describe() {
        return (code == null ? "" : "Xid " + code + ": ") + meaning + "; action: " + action.words();
    }

    private static Map.Entry<Integer, Xid> application(int code, String meaning) {
        return Map.entry(code, new Xid(code, meaning, Severity.WARNING, Action.RESTART_APP));
    }

    private static Map.Entry<Integer, Xid> hardware(int code, String meaning, Action action) {
        return Map.entry(code, new Xid(code, meaning, Severity.CRITICAL, action));
    }
}
