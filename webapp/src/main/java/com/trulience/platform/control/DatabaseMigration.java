package com.trulience.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
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
@Startup
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseMigration {

    /**
     * The one datasource of the application: the resource reference that WEB-INF/web.xml declares. The server binds
     * it (server-config/README.md): to the pool an administrator created on Payara Server (global jdbc/trulience) or
     * WildFly (java:/jdbc/trulience, see jboss-web.xml); persistence.xml names the same pool, on Payara Micro to the pool that scripts/run's
     * post-boot commands create from TRULIENCE_DB_*. The WAR defines no pool of its own.
     */
    public static final String DATA_SOURCE = "java:comp/env/jdbc/trulience";

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
