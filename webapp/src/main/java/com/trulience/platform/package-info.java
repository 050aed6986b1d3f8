/**
 * What every component stands on: REST setup, problem documents ({@code ProblemMappers}, the only place a
 * {@code Refused} gets its HTTP status), health checks, database migration and the signals between backend nodes.
 */
package com.trulience.platform;
