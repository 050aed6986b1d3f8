package com.trulience.restarts.control;

/**
 * A restart request turned down: {@code status} is the HTTP status the API answers with (400, 404 or 409), the
 * message says why; {@code restartId} is the restart in the way, or the refused attempt recorded for an offline
 * worker (null otherwise).
 */
public class RestartRefused extends RuntimeException {

    private final int status;
    private final Long restartId;

    public RestartRefused(int status, String message, Long restartId) {
        super(message);
        this.status = status;
        this.restartId = restartId;
    }

    public int status() {
        return status;
    }

    public Long restartId() {
        return restartId;
    }
}
