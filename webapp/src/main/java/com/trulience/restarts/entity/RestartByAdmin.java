package com.trulience.restarts.entity;

/** A restart with the user name of the admin who asked for it (a row of {@link RestartLog#BY_WORKER}). */
public record RestartByAdmin(RestartLog log, String username) {
}
