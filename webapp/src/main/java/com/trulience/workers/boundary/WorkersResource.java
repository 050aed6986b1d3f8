package com.trulience.workers.boundary;

import com.trulience.workers.entity.Worker;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;

@Path("v1/admin/workers")
@Produces(MediaType.APPLICATION_JSON)
public class WorkersResource {

    @PersistenceContext
    EntityManager em;

    public record WorkerView(long id, String name, String status, OffsetDateTime lastSeenAt, String hostname,
                             String agentVersion, String driverVersion, List<String> services) {

        static WorkerView of(Worker worker) {
            return new WorkerView(worker.id(), worker.name(), worker.isOnline(OffsetDateTime.now()) ? "online" : "offline",
                    worker.lastSeenAt(),
                    worker.hostname(), worker.agentVersion(), worker.driverVersion(), worker.services());
        }
    }

    @GET
    public List<WorkerView> list() {
        return em.createNamedQuery(Worker.ALL, Worker.class).getResultStream().map(WorkerView::of).toList();
    }
}
