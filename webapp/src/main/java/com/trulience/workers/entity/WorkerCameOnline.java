package com.trulience.workers.entity;

/** A worker that was offline has been heard from again. */
public record WorkerCameOnline(long workerId) {
}
