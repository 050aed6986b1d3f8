package com.trulience.dashboard.boundary;

import com.trulience.platform.control.Refused;
import com.trulience.restarts.control.RestartRequests;
import com.trulience.restarts.entity.Action;
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

/**
 * The actions menu of the hardware and worker pages, mildest first: Free VRAM, Interrupt job (only with its
 * confirmation ticked), Restart; the request itself is RestartRequests'. "Actions…" opens it on Restart, as the
 * restart dialog it was; a card's "Free VRAM" opens it on Free VRAM.
 */
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
    private String action = Action.RESTART.wire();

    /** One entry of the menu. */
    public record Choice(String value, String label, String note) implements Serializable {
    }

    private static final List<Choice> CHOICES = List.of(
            new Choice(Action.FREE_MEMORY.wire(), "Free VRAM", "ComfyUI unloads its models and frees its cached memory "
                    + "between jobs; a running job goes on. The agent checks that used VRAM fell."),
            new Choice(Action.INTERRUPT.wire(), "Interrupt job", "ComfyUI stops the running job; the next queued job starts."),
            new Choice(Action.RESTART.wire(), "Restart", "The agent restarts the service, waiting for the running job unless forced."));

    /** The menu opened on one action: free_memory from a card's "Free VRAM". */
    public void openOn(long workerId, String action) {
        open(workerId);
        this.action = Action.named(action).orElse(Action.RESTART).wire();
        if (this.action.equals(Action.FREE_MEMORY.wire()) && services.contains(COMFYUI)) {
            serviceName = COMFYUI;
        }
    }

    /** Fresh for every opening, with the services the worker announced last. */
    public void open(long workerId) {
        var worker = em.find(Worker.class, workerId);
        this.workerId = workerId;
        workerName = worker == null ? "worker " + workerId : worker.name();
        services = worker == null ? List.of() : worker.services();
        serviceName = services.isEmpty() ? null : services.get(0);
        reason = null;
        force = false;
        action = Action.RESTART.wire();
    }

    private static final String COMFYUI = "comfyui";

    public void confirm() {
        var faces = FacesContext.getCurrentInstance();
        var external = faces.getExternalContext();
        // the dialog renders for admins only; this also holds for a request crafted by hand
        if (!external.isUserInRole("admin")) {
            throw new SecurityException("only an admin may act on a service");
        }
        var chosen = Action.named(action).orElse(Action.RESTART);
        String label = getChoice().label();
        try {
            RestartLog log = requests.request(workerId, chosen, serviceName, reason, chosen != Action.FREE_MEMORY && force,
                    external.getRemoteUser(), null);
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, label + " requested",
                    label + " " + log.id() + " of " + log.serviceName() + " on " + workerName + " was sent."));
        } catch (Refused refused) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, label + " refused:", refused.getMessage()));
            // keeps the dialog open (its oncomplete checks this) so that the admin reads why
            faces.validationFailed();
        }
    }

    public int getMaxReason() {
        return RestartLog.MAX_REASON;
    }

    public List<Choice> getChoices() {
        return CHOICES;
    }

    public Choice getChoice() {
        return CHOICES.stream().filter(choice -> choice.value().equals(action)).findFirst().orElse(CHOICES.get(2));
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = Action.named(action).map(Action::wire).orElse(Action.RESTART.wire());
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
