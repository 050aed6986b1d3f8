package com.trulience.retention.control;

import com.trulience.platform.control.DatabaseMigration;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs retention every hour. Every node has this timer; a PostgreSQL advisory lock lets exactly one of them
 * run a pass, the others skip it.
 */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
@TransactionManagement(TransactionManagementType.BEAN)
public class RetentionTimer {

    private static final Logger LOG = Logger.getLogger(RetentionTimer.class.getName());

    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    DatabaseMigration migration;

    @Inject
    @ConfigProperty(name = "metrics.retention.hours", defaultValue = "24")
    int rawRetentionHours;

    @Inject
    @ConfigProperty(name = "hourly.retention.days", defaultValue = "90")
    int hourlyRetentionDays;

    /** After downtime the coming hours may have no partition yet; samples would land in the default one. */
    @PostConstruct
    void createPartitionsAhead() {
        if (migration.failure().isPresent()) {
            return;
        }
        try (var connection = dataSource.getConnection()) {
            Retention.createPartitionsAhead(connection, Instant.now());
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not create the coming hours' partitions; the next retention pass retries", e);
        }
    }

    @Schedule(hour = "*", minute = "5", persistent = false)
    public void runPass() {
        if (rawRetentionHours < 1 || hourlyRetentionDays < 1) {
            LOG.severe("Retention skipped: METRICS_RETENTION_HOURS and HOURLY_RETENTION_DAYS must be at least 1");
            return;
        }
        try (var connection = dataSource.getConnection()) {
            Retention.runExclusively(connection, Instant.now(), Duration.ofHours(rawRetentionHours), Duration.ofDays(hourlyRetentionDays))
                    .ifPresentOrElse(summary -> LOG.info(() -> "Retention pass: " + summary),
                            () -> LOG.info("Retention pass skipped: another backend node is running one"));
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "Retention pass failed; the next one retries", e);
        }
    }
}
