package com.trulience.retention.control;

import com.trulience.platform.control.BackendFigures;
import com.trulience.platform.control.ClusterSignals;
import com.trulience.platform.control.DatabaseMigration;
import io.prometheus.metrics.core.metrics.Gauge;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
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
 * Runs retention every hour, at minute {@code retention.schedule.minute} (5; an EJB calendar expression such as
 * {@code *} for every minute, which scripts/verify-two-nodes uses). Every node has this timer; exactly one of them
 * runs each pass, the others skip it (see {@link Retention#runExclusively}).
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
    ClusterSignals cluster;

    @Resource
    TimerService timers;

    @Inject
    BackendFigures figures;

    private Gauge passSeconds;
    private Gauge lastSuccess;

    @Inject
    @ConfigProperty(name = "retention.schedule.minute", defaultValue = "5")
    String scheduleMinute;

    @Inject
    @ConfigProperty(name = "metrics.retention.hours", defaultValue = "24")
    int rawRetentionHours;

    @Inject
    @ConfigProperty(name = "hourly.retention.days", defaultValue = "90")
    int hourlyRetentionDays;

    /** After downtime the coming hours may have no partition yet; samples would land in the default one. */
    @PostConstruct
    void createPartitionsAhead() {
        passSeconds = figures.register(Gauge.builder().name("trulience_backend_retention_pass_duration_seconds")
                .help("How long this node's last retention pass took").withoutExemplars());
        lastSuccess = figures.register(Gauge.builder().name("trulience_backend_retention_last_success_timestamp_seconds")
                .help("When this node last completed a retention pass (Unix time; 0 until it has)").withoutExemplars());
        schedule();
        if (migration.failure().isPresent()) {
            return;
        }
        try (var connection = dataSource.getConnection()) {
            Retention.createPartitionsAhead(connection, Instant.now());
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not create the coming hours' partitions; the next retention pass retries", e);
        }
    }

    private void schedule() {
        var notPersistent = new TimerConfig("retention", false);
        try {
            timers.createCalendarTimer(new ScheduleExpression().hour("*").minute(scheduleMinute), notPersistent);
        } catch (IllegalArgumentException e) {
            LOG.severe(() -> "RETENTION_SCHEDULE_MINUTE '" + scheduleMinute + "' is not a minute expression ("
                    + e.getMessage() + "); retention runs at minute 5");
            timers.createCalendarTimer(new ScheduleExpression().hour("*").minute(5), notPersistent);
        }
    }

    @Timeout
    public void runPass() {
        if (rawRetentionHours < 1 || hourlyRetentionDays < 1) {
            LOG.severe("Retention skipped: METRICS_RETENTION_HOURS and HOURLY_RETENTION_DAYS must be at least 1");
            return;
        }
        try (var connection = dataSource.getConnection()) {
            Retention.runExclusively(connection, Instant.now(), Duration.ofHours(rawRetentionHours), Duration.ofDays(hourlyRetentionDays),
                            cluster.node())
                    .ifPresentOrElse(summary -> {
                                passSeconds.set(summary.millis() / 1000.0);
                                lastSuccess.set(System.currentTimeMillis() / 1000.0);
                                LOG.info(() -> "Retention pass: " + summary);
                            },
                            () -> LOG.info("Retention pass skipped: another backend node ran this one or is running one"));
        } catch (SQLException e) {
            LOG.log(Level.SEVERE, "Retention pass failed; the next one retries", e);
        }
        reportStall();
    }

    /** Operators watch for SEVERE lines; one each slot while no pass completes, whichever node failed them. */
    private void reportStall() {
        try (var connection = dataSource.getConnection()) {
            Retention.stalledSince(connection, Instant.now()).ifPresent(since -> LOG.severe(() -> "RETENTION STALLED: no retention "
                    + "pass has completed since " + since + " (" + Retention.STALLED_AFTER.toHours() + " hourly slots or more); "
                    + "raw samples are neither folded nor dropped. See the retention errors above."));
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "Could not tell whether retention is stalled", e);
        }
    }
}
