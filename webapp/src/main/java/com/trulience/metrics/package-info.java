/**
 * GPU metrics: storing the agents' batches, the latest value per GPU, the raw and hourly history, and the API that
 * reads them. The metric tables are written and read by SQL only.
 */
package com.trulience.metrics;
