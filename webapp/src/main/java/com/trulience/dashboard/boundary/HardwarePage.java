package com.trulience.dashboard.boundary;

import com.trulience.workers.entity.Worker;
import jakarta.annotation.PostConstruct;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Named;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.Serializable;
import java.util.List;

/** The landing page: the fleet at a glance. Gauges and live push come with the [dashboard] issue. */
@Named
@ViewScoped
public class HardwarePage implements Serializable {

    @PersistenceContext
    transient EntityManager em;

    private List<Worker> workers = List.of();

    @PostConstruct
    void load() {
        workers = em.createNamedQuery(Worker.ALL, Worker.class).getResultList();
    }

    public List<Worker> getWorkers() {
        return workers;
    }

    public String status(Worker worker) {
        return worker.online() ? "online" : "offline";
    }
}
