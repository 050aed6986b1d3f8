package com.trulience.platform.boundary;

import com.trulience.platform.control.JsonP;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The readiness check on the application's own port and path, for every server: Payara serves MicroProfile Health at
 * /health/ready beside the application, WildFly only on its management port, which load balancers should not reach.
 * 200 with {"status":"UP"} while {@link DatabaseReadiness} is up, else 503 with its general reason.
 */
@WebServlet("/ready")
public class ReadinessServlet extends HttpServlet {

    @Inject
    @Readiness
    DatabaseReadiness readiness;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var check = readiness.call();
        boolean up = check.getStatus() == HealthCheckResponse.Status.UP;
        var body = JsonP.PROVIDER.createObjectBuilder().add("status", up ? "UP" : "DOWN");
        check.getData().flatMap(data -> java.util.Optional.ofNullable(data.get("error")))
                .ifPresent(error -> body.add("error", error.toString()));
        response.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(body.build().toString());
    }
}
