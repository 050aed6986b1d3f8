package com.trulience.dashboard.boundary;

import com.trulience.platform.control.Refused;
import com.trulience.workers.boundary.WorkersResource.WorkerView;
import com.trulience.workers.control.WorkerEnrollment;
import com.trulience.workers.control.WorkerEnrollment.RegisteredWorker;
import com.trulience.workers.entity.Worker;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The admin's list of workers: register one and hand its agent the settings, rotate or revoke a token. A token is held
 * only until the admin dismisses it or leaves the page; it is never stored in clear text anywhere.
 */
@Named
@ViewScoped
public class WorkersPage implements Serializable {

    @PersistenceContext
    transient EntityManager em;

    @Inject
    transient WorkerEnrollment enrollment;

    private List<WorkerView> workers = List.of();
    private String newName;
    private RegisteredWorker issued;
    private String issuedBecause;

    public void load() {
        workers = em.createNamedQuery(Worker.ALL, Worker.class).getResultStream().map(WorkerView::of).toList();
    }

    public void register() {
        act(() -> {
            issued = enrollment.register(newName == null ? null : newName.trim(), caller());
            issuedBecause = "registered";
            newName = null;
        });
    }

    public void rotate(long id) {
        act(() -> {
            issued = enrollment.rotateToken(id, caller());
            issuedBecause = "given a new token; its agent was disconnected until it uses this one";
        });
    }

    public void revoke(long id) {
        act(() -> {
            enrollment.revokeToken(id, caller());
            issued = null;
            var name = Worker.require(em, id).name();
            message(FacesMessage.SEVERITY_INFO, "The token of " + name + " is revoked: its agent was disconnected and cannot "
                    + "reconnect until you rotate the token.");
        });
    }

    public void dismiss() {
        issued = null;
    }

    private void act(Runnable change) {
        try {
            change.run();
        } catch (Refused refused) {
            message(FacesMessage.SEVERITY_ERROR, refused.getMessage());
        }
        load();
    }

    /** What the agent on that worker needs, for its .env file or /etc/trulience-agent/agent.env. */
    public String getAgentSettings() {
        if (issued == null) {
            return null;
        }
        return "BACKEND_WS_URL=" + agentUrl() + "\nWORKER_ID=" + issued.id() + "\nAGENT_TOKEN=" + issued.token()
                + "\nALLOWED_SERVICES=comfyui\n";
    }

    /** The address this admin reached the dashboard by is the best guess at the agents' one; behind TLS it is wss. */
    private static String agentUrl() {
        var request = (HttpServletRequest) FacesContext.getCurrentInstance().getExternalContext().getRequest();
        String scheme = request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto")) ? "wss" : "ws";
        String host = request.getHeader("Host") == null ? request.getServerName() + ":" + request.getServerPort() : request.getHeader("Host");
        return scheme + "://" + host + request.getContextPath() + "/ws/metrics";
    }

    public String services(WorkerView worker) {
        return worker.services().isEmpty() ? "–" : String.join(", ", worker.services());
    }

    public String lastSeen(OffsetDateTime time) {
        return time == null ? "never" : WorkerCard.time(time.toInstant());
    }

    private static String caller() {
        return FacesContext.getCurrentInstance().getExternalContext().getRemoteUser();
    }

    private static void message(FacesMessage.Severity severity, String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
    }

    public List<WorkerView> getWorkers() {
        return workers;
    }

    public RegisteredWorker getIssued() {
        return issued;
    }

    public String getIssuedBecause() {
        return issuedBecause;
    }

    public String getNewName() {
        return newName;
    }

    public void setNewName(String newName) {
        this.newName = newName;
    }
}
