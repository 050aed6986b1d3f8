package com.trulience.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings the schema up to date before anything else touches the database. A failure does not fail the
 * deployment: Payara would then answer 404 everywhere while its own health endpoint says UP. Instead the
 * failure is kept and reported by the readiness check.
 */
@DataSourceDefinition(
        name = DatabaseMigration.DATA_SOURCE,
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=trulience.db.url}",
        user = "${MPCONFIG=trulience.db.user}",
        password = "${MPCONFIG=trulience.db.password}",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {
                // Validate pooled connections, and drop them all once one fails, so the pool heals by
                // itself after PostgreSQL restarts.
                "fish.payara.is-connection-validation-required=true",
                "fish.payara.connection-validation-method=custom-validation",
                "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
                "fish.payara.fail-all-connections=true",
                "fish.payara.connection-creation-retry-attempts=0",
                "loginTimeout=5",
                "connectTimeout=5",
                "socketTimeout=60",
                "reWriteBatchedInserts=true",
                "ApplicationName=trulience"})
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseMigration {

    public static final String DATA_SOURCE = "java:app/jdbc/trulience";

    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class.getName());

    @Resource(lookup = DATA_SOURCE)
    DataSource dataSource;

    private volatile String failure;

    @PostConstruct
    void migrate() {
        try {
            var result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            LOG.info(() -> "Database schema at version %s (%d migration(s) applied now)"
                    .formatted(result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                            result.migrationsExecuted));
        } catch (RuntimeException e) {
            failure = "Database migration failed: " + e.getMessage();
            LOG.log(Level.SEVERE, failure, e);
        }
    }

    /** Why the schema could not be brought up to date, if it could not. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }
}
