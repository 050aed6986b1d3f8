package com.trulience.workers.entity;

/** A worker's id and name: a row of {@link Worker#NAMES} and {@link Worker#NAMES_OF}. */
public record WorkerName(long id, String name) {
}
