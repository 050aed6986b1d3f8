package com.trulience.agent.nvml;

/**
 * NVML cannot be used on this machine. The message is one plain sentence for the operator:
 * what is wrong and what to do. The service then reports zero GPUs instead of stopping.
 */
public final class NvmlUnavailable extends RuntimeException {

    private NvmlUnavailable(String sentence, Throwable cause) {
        super(sentence, cause);
    }

    public static NvmlUnavailable libraryNotFound(String library, UnsatisfiedLinkError cause) {
        return new NvmlUnavailable("The NVIDIA driver library " + library
                + " was not found: install the NVIDIA driver, or set NVML_LIBRARY to the full path of"
                + " libnvidia-ml.so.1 (nvml.dll on Windows).", cause);
    }

    public static NvmlUnavailable tooOld(String library, UnsatisfiedLinkError cause) {
        return new NvmlUnavailable("The NVIDIA driver library " + library
                + " is too old for this agent (it lacks nvmlInit_v2 or another call the agent needs): install a current NVIDIA driver.", cause);
    }

    /** nvmlInit_v2 (or the device count right after it) failed with {@code code}. */
    public static NvmlUnavailable failed(NvmlReturn code, String errorString) {
        String sentence = switch (code) {
            case DRIVER_NOT_LOADED -> "The NVIDIA kernel driver is not loaded: load the nvidia kernel"
                    + " module (or reboot after installing the driver) until nvidia-smi lists the GPUs";
            case NO_PERMISSION -> "The agent is not allowed to talk to the NVIDIA driver: run it as a"
                    + " user that can open /dev/nvidia* (root, or a member of the group that owns them)";
            case LIB_RM_VERSION_MISMATCH -> "The NVIDIA driver library and the loaded kernel module have"
                    + " different versions, usually after a driver update: reboot the machine or reload"
                    + " the nvidia kernel module";
            case LIBRARY_NOT_FOUND -> "The NVIDIA driver library could not find its own components:"
                    + " reinstall the NVIDIA driver";
            default -> "NVML could not start (" + code.describe() + ": " + errorString
                    + "): check the GPUs and the driver with nvidia-smi";
        };
        return new NvmlUnavailable(sentence + ".", null);
    }
}
