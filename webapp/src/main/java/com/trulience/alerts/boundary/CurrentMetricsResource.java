package com.trulience.alerts.boundary;

import com.trulience.alerts.control.Thresholds;
import com.trulience.metrics.control.FleetSnapshot;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The fleet now, in one call: {@code GET /api/v1/admin/workers/metrics/current}, from the {@link FleetSnapshot}
 * (no query but the thresholds'), written by {@link CurrentFleetJson}.
 * It lives with the thresholds rather than the samples because it joins the two, and alerts already depends on
 * metrics: metrics never looks up at alerts.
 */
@Tag(name = "metrics")
@Path("v1/admin/workers/metrics/current")
@Produces(MediaType.APPLICATION_JSON)
public class CurrentMetricsResource {

    @Inject
    Thresholds thresholds;

    @Inject
    FleetSnapshot fleet;

    @Inject
    CurrentFleetJson json;

    @Operation(summary = "The latest sample of every GPU of every worker, with the thresholds in force")
    @APIResponse(responseCode = "200", description = "the fleet now")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public StreamingOutput current() {
        var inForce = thresholds.inForce();
        var workers = fleet.workers();
        return output -> json.write(workers, inForce, Instant.now(), output);
    }
}
