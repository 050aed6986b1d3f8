package com.trulience.restarts.control;

import com.trulience.restarts.entity.RestartChanged;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.security.entity.User;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.util.logging.Logger;

/** An admin asks for a restart (API or dashboard): checks, records, tells the dashboards and sends the command. */
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
     * @throws RestartRefused 400 for a bad service or reason, 404 for an unknown worker, 409 while one is in flight
     *                        or the worker is offline (that attempt is recorded as failed)
     */
    public RestartLog request(long workerId, String serviceName, String reason, boolean force, String username) {
        if (serviceName == null || !serviceName.matches(SERVICE_NAME)) {
            throw new RestartRefused(400, "service_name must be 1-64 letters, digits, '@', '.', '_' or '-'", null);
        }
        String stripped = reason == null || reason.isBlank() ? null : reason.strip();
        if (stripped != null && (stripped.length() > RestartLog.MAX_REASON || stripped.chars().anyMatch(Character::isISOControl))) {
            throw new RestartRefused(400, "reason must be at most " + RestartLog.MAX_REASON
                    + " characters without control characters", null);
        }
        var worker = em.find(Worker.class, workerId);
        if (worker == null) {
            throw new RestartRefused(404, "no worker with id " + workerId, null);
        }
        if (!worker.services().contains(serviceName)) {
            throw new RestartRefused(400, "service_name " + serviceName + " is not in the allow-list worker "
                    + workerId + " announced: " + worker.services(), null);
        }
        var user = em.createNamedQuery(User.BY_USERNAME, User.class).setParameter("username", username).getSingleResult();
        logs.inFlight(workerId).ifPresent(RestartRequests::conflict);
        if (!worker.online()) {
            var refused = logs.record(RestartLog.refused(workerId, serviceName, user.id(), stripped, force,
                    "worker offline: its agent is not connected"));
            LOG.info(() -> "Restart " + refused.id() + " of " + serviceName + " on worker " + workerId + " by "
                    + username + " refused: the worker is offline");
            changed.fireAsync(RestartChanged.of(refused));
            throw new RestartRefused(409, "worker " + workerId + " is offline; the attempt is recorded as restart "
                    + refused.id(), refused.id());
        }
        RestartLog log;
        try {
            log = logs.record(new RestartLog(workerId, serviceName, user.id(), stripped, force));
        } catch (PersistenceException | jakarta.transaction.TransactionalException e) {
            if (RestartLogs.isInFlightConflict(e)) {
                logs.inFlight(workerId).ifPresent(RestartRequests::conflict);
            }
            throw e;
        }
        LOG.info(() -> "Restart " + log.id() + " of " + serviceName + " on worker " + workerId + " requested by "
                + username + (force ? " (forced)" : ""));
        changed.fireAsync(RestartChanged.of(log));
        // From here if the agent's socket is on this node; else the node that holds it heard of the commit.
        dispatch.dispatch(workerId);
        return log;
    }

    private static void conflict(RestartLog running) {
        throw new RestartRefused(409, "restart " + running.id() + " of " + running.serviceName() + " on worker "
                + running.workerId() + " is still in flight (" + running.status() + ")", running.id());
    }
}
