/**
 * Alerts: thresholds (fleet defaults and per-worker overrides), the rules that raise, escalate, repeat and resolve
 * alerts from stored samples (in arrival order per GPU), GPU health and events, ComfyUI (unreachable, VRAM held while
 * idle) and offline workers, and the webhook
 * that tells the operators.
 */
package com.trulience.alerts;
