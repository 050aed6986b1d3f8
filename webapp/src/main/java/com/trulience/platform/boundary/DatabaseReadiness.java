package com.trulience.platform.boundary;

import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the schema is migrated and PostgreSQL answers. Anyone may ask (load balancers do), so the answer
 * names the cause in general words only; the driver's or Flyway's text, which may name hosts, users and SQL, goes to
 * the log, once per change of cause.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 2;
    static final String MIGRATION_FAILED = "the database schema could not be migrated (see the server log)";
    static final String UNREACHABLE = "PostgreSQL unreachable (details in the server log)";
    private static final Logger LOG = Logger.getLogger(DatabaseReadiness.class.getName());

    private final AtomicReference<String> lastLogged = new AtomicReference<>();

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    DatabaseMigration migration;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database");
        var failure = migration.failure();
        if (failure.isPresent()) {
            logOnce("Not ready: the migration failed: " + failure.get());
            return response.down().withData("error", MIGRATION_FAILED).build();
        }
        try (var connection = dataSource.getConnection()) {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                lastLogged.set(null);
                return response.up().build();
            }
            return response.down().withData("error", "PostgreSQL did not answer within " + TIMEOUT_SECONDS + " s").build();
        } catch (SQLException e) {
            logOnce("Not ready: PostgreSQL unreachable: " + e.getMessage());
            return response.down().withData("error", UNREACHABLE).build();
        }
    }

    private void logOnce(String message) {
        if (!message.equals(lastLogged.getAndSet(message))) {
            LOG.warning(message);
        }
    }
}
