package com.trulience.restarts.control;

import com.trulience.platform.control.JsonP;
import com.trulience.platform.control.Refused;
import com.trulience.platform.control.Refused.Reason;
import com.trulience.restarts.entity.Action;
import com.trulience.restarts.entity.RestartChanged;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.security.entity.User;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.util.logging.Logger;

/**
 * An admin (or the reserved user {@code system}, see AutoFreeMemory) asks for a restart or a remediation action (API
 * or dashboard): checks, records, tells the dashboards and sends the command. One action in flight per worker,
 * whatever its kind.
 */
@ApplicationScoped
public class RestartRequests {

    private static final Logger LOG = Logger.getLogger(RestartRequests.class.getName());
    private static final String SERVICE_NAME = "[A-Za-z0-9@._-]{1,64}";

    @PersistenceContext
    EntityManager em;

    @Inject
    RestartLogs logs;

    @Inject
    RestartDispatch dispatch;

    @Inject
    Event<RestartChanged> changed;

    /**
     * @param reason blank means none
     * @return the restart, {@code initiated} and sent to the agent
     * @throws Refused invalid for a bad service or reason, not found for an unknown worker, a conflict naming the
     *                 restart in the way while one is in flight, or the recorded attempt when the worker is offline
     */
    public RestartLog request(long workerId, String serviceName, String reason, boolean force, String username) {
        return request(workerId, Action.RESTART, serviceName, reason, force, username, null);
    }

    /**
     * @param alertId the alert an automatic action answers (at most one action per alert), or null
     * @throws Refused also invalid for an interrupt without force: it stops the running job
     */
    public RestartLog request(long workerId, Action action, String serviceName, String reason, boolean force, String username,
                              Long alertId) {
        if (action.needsForce() && !force) {
            throw new Refused(Reason.INVALID, "force must be true to " + action.wire() + ": it stops the running job",
                    JsonP.PROVIDER.createObjectBuilder().add("field", "force").build());
        }
        if (serviceName == null || !serviceName.matches(SERVICE_NAME)) {
            throw new Refused(Reason.INVALID, "service_name must be 1-64 letters, digits, '@', '.', '_' or '-'");
        }
        String stripped = reason == null || reason.isBlank() ? null : reason.strip();
        if (stripped != null && (stripped.length() > RestartLog.MAX_REASON || stripped.chars().anyMatch(Character::isISOControl))) {
            throw new Refused(Reason.INVALID, "reason must be at most " + RestartLog.MAX_REASON
                    + " characters without control characters");
        }
        var worker = Worker.require(em, workerId);
        if (!worker.services().contains(serviceName)) {
            throw new Refused(Reason.INVALID, "service_name " + serviceName + " is not in the allow-list worker "
                    + workerId + " announced: " + worker.services());
        }
        var user = em.createNamedQuery(User.BY_USERNAME, User.class).setParameter("username", username).getSingleResult();
        logs.inFlight(workerId).ifPresent(RestartRequests::conflict);
        if (!worker.online()) {
            var refused = logs.record(RestartLog.refused(workerId, action, serviceName, user.id(), stripped, force,
                    "worker offline: its agent is not connected"));
            LOG.info(() -> describe(refused) + " by " + username + " refused: the worker is offline");
            changed.fireAsync(RestartChanged.of(refused));
            throw new Refused(Reason.CONFLICT, "worker " + workerId + " is offline; the attempt is recorded as "
                    + (action == Action.RESTART ? "restart " : action.wire() + " action ") + refused.id(), naming(refused));
        }
        RestartLog log;
        try {
            var row = new RestartLog(workerId, action, serviceName, user.id(), stripped, force);
            log = logs.record(alertId == null ? row : row.answering(alertId));
        } catch (PersistenceException | jakarta.transaction.TransactionalException e) {
            if (RestartLogs.isInFlightConflict(e)) {
                logs.inFlight(workerId).ifPresent(RestartRequests::conflict);
            }
            throw e;
        }
        LOG.info(() -> describe(log) + " requested by " + username + (force ? " (forced)" : ""));
        changed.fireAsync(RestartChanged.of(log));
        // From here if the agent's socket is on this node; else the node that holds it heard of the commit.
        dispatch.dispatch(workerId);
        return log;
    }

    private static void conflict(RestartLog running) {
        throw new Refused(Reason.CONFLICT, describe(running) + " is still in flight (" + running.status().wire() + ")",
                naming(running));
    }

    private static String describe(RestartLog log) {
        return (log.action() == Action.RESTART ? "restart " : log.action().wire() + " action ") + log.id() + " of "
                + log.serviceName() + " on worker " + log.workerId();
    }

    /** The API's 409 names the restart, so that a client can follow it without parsing the message. */
    private static JsonObject naming(RestartLog restart) {
        return JsonP.PROVIDER.createObjectBuilder().add("restart_id", restart.id()).add("action", restart.action().wire()).build();
    }
}
