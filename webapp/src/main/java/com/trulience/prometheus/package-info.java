/**
 * The fleet for the tools operators already run: {@code GET /metrics} in the Prometheus text format (OpenMetrics when
 * asked) with the latest sample per GPU, open alerts and this node's own figures, and every alert transition sent to
 * Alertmanager's API v2. It sits on top of alerts, metrics and workers; nothing below it knows it exists (the
 * components count their own figures in platform's BackendFigures, which this one only scrapes).
 */
package com.trulience.prometheus;
