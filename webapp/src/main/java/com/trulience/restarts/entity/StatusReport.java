package com.trulience.restarts.entity;

/** An agent says where its restart {@code restartId} is now; {@code errorMessage} only with failed. */
public record StatusReport(long restartId, RestartStatus status, String errorMessage) {
}
