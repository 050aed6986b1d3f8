/**
 * The local ComfyUI, the one place the agent talks to it: {@link com.trulience.agent.comfyui.ComfyUi} is the HTTP
 * client (restarts, actions and monitoring share it), {@link com.trulience.agent.comfyui.ComfyUiMonitor} reads its
 * queue and torch VRAM beside every GPU sample within a deadline, and
 * {@link com.trulience.agent.comfyui.ComfyUiState} is the {@code comfyui} object of {@code gpu_metrics}, cut to the
 * backend's bounds.
 */
package com.trulience.agent.comfyui;
