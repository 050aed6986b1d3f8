/**
 * Turns what NVML (the driver's or {@link com.trulience.agent.collect.SimulatedNvml}) reports
 * into per-GPU readings and the {@code gpu_metrics} frames the backend ingests.
 */
package com.trulience.agent.collect;
