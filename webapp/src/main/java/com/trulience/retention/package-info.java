/**
 * Retention of the metric tables: hourly partitions of raw samples created ahead, old raw hours folded into the
 * hourly summaries and dropped, hourly summaries past their window deleted; one node at a time.
 */
package com.trulience.retention;
