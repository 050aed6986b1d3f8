package com.trulience.platform.boundary;

import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the schema is migrated and PostgreSQL answers. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    DatabaseMigration migration;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database");
        var failure = migration.failure();
        if (failure.isPresent()) {
            return response.down().withData("error", failure.get()).build();
        }
        try (var connection = dataSource.getConnection()) {
            if (connection.isValid(TIMEOUT_SECONDS)) {
                return response.up().build();
            }
            return response.down().withData("error", "PostgreSQL did not answer within " + TIMEOUT_SECONDS + " s").build();
        } catch (SQLException e) {
            return response.down().withData("error", "PostgreSQL unreachable: " + e.getMessage()).build();
        }
    }
}
