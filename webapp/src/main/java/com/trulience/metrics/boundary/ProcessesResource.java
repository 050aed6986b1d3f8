package com.trulience.metrics.boundary;

import com.trulience.platform.control.JsonP;
import com.trulience.metrics.control.ProcessJson;
import com.trulience.metrics.control.Processes;
import com.trulience.workers.entity.Worker;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Who holds each GPU of a worker now: {@code GET /api/v1/admin/workers/{id}/processes}, with the VRAM of the GPU's
 * latest sample and what of it no process accounts for.
 */
@Path("v1/admin/workers/{id}/processes")
@Produces(MediaType.APPLICATION_JSON)
public class ProcessesResource {

    private static final JsonProvider JSON = JsonP.PROVIDER;

    @PersistenceContext
    EntityManager em;

    @Inject
    Processes processes;

    @Operation(summary = "Who holds each GPU's VRAM now: processes, the rest summed, and the unattributed VRAM")
    @APIResponse(responseCode = "200", description = "the processes per GPU")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    public StreamingOutput current(@PathParam("id") long workerId) throws SQLException {
        Worker.require(em, workerId);
        var gpus = processes.current(workerId);
        return output -> {
            try (var json = JSON.createGenerator(output)) {
                json.writeStartObject().write("worker_id", workerId).writeStartArray("gpus");
                for (var gpu : gpus) {
                    json.writeStartObject().write("gpu_index", gpu.gpuIndex());
                    if (gpu.recordedAt() == null) {
                        json.writeNull("recorded_at");
                    } else {
                        json.write("recorded_at", gpu.recordedAt().toString());
                    }
                    json.write("vram_used_mb", gpu.vramUsedMb()).write("vram_total_mb", gpu.vramTotalMb());
                    ProcessJson.writeHolders(gpu.processes(), gpu.vramUsedMb(), json);
                    json.writeEnd();
                }
                json.writeEnd().writeEnd();
            }
        };
    }
}
