/**
 * Alerts: thresholds (fleet defaults and per-worker overrides), the rules that raise, escalate, repeat and resolve
 * alerts from stored samples and offline workers, and the webhook that tells the operators.
 */
package com.trulience.alerts;
