/**
 * GPU metrics: storing the agents' batches, the latest value per GPU, the raw, per-minute and hourly history, the
 * fleet snapshot (the fleet now, in memory, kept up by ingestion and by the other nodes' signals), the GPU events
 * (Xid, double-bit ECC, GPU lost) with the one Xid catalog ({@code entity/Xid}: meaning, severity, action), and the
 * APIs that read them, and ComfyUI's state per worker with its job counts per sample ({@code comfyui_latest},
 * {@code comfyui_samples}). The metric and event tables are written and read by SQL only.
 */
package com.trulience.metrics;
