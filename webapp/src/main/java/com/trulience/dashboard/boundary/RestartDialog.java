package com.trulience.dashboard.boundary;

import com.trulience.platform.control.Refused;
import com.trulience.restarts.control.RestartRequests;
import com.trulience.restarts.entity.RestartLog;
import com.trulience.workers.entity.Worker;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.Serializable;
import java.util.List;

/** The "Restart…" confirmation of the hardware and worker pages; the request itself is RestartRequests'. */
@Named
@ViewScoped
public class RestartDialog implements Serializable {

    @PersistenceContext
    transient EntityManager em;

    @Inject
    RestartRequests requests;

    private long workerId;
    private String workerName;
    private List<String> services = List.of();
    private String serviceName;
    private String reason;
    private boolean force;

    /** Fresh for every opening, with the services the worker announced last. */
    public void open(long workerId) {
        var worker = em.find(Worker.class, workerId);
        this.workerId = workerId;
        workerName = worker == null ? "worker " + workerId : worker.name();
        services = worker == null ? List.of() : worker.services();
        serviceName = services.isEmpty() ? null : services.get(0);
        reason = null;
        force = false;
    }

    public void confirm() {
        var faces = FacesContext.getCurrentInstance();
        var external = faces.getExternalContext();
        // the dialog renders for admins only; this also holds for a request crafted by hand
        if (!external.isUserInRole("admin")) {
            throw new SecurityException("only an admin may restart a service");
        }
        try {
            RestartLog log = requests.request(workerId, serviceName, reason, force, external.getRemoteUser());
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, "Restart requested",
                    "Restart " + log.id() + " of " + log.serviceName() + " on " + workerName + " was sent."));
        } catch (Refused refused) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, "Restart refused:", refused.getMessage()));
            // keeps the dialog open (its oncomplete checks this) so that the admin reads why
            faces.validationFailed();
        }
    }

    public int getMaxReason() {
        return RestartLog.MAX_REASON;
    }

    public String getWorkerName() {
        return workerName;
    }

    public List<String> getServices() {
        return services;
    }

    public String getServiceName() {
        return serviceName;
    }

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public boolean isForce() {
        return force;
    }

    public void setForce(boolean force) {
        this.force = force;
    }
}
