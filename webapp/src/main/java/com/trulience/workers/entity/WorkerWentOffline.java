package com.trulience.workers.entity;

/** A worker's agent disconnected or fell silent for three of its intervals. */
public record WorkerWentOffline(long workerId, String reason) {

    public static final String SILENT = "no data for 3 intervals";
}
