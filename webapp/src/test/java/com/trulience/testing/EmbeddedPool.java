package com.trulience.testing;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Singleton;

/**
 * The ITs' pool: each test class deploys the WAR on Payara Micro against a database of its own, named in the WAR's
 * MicroProfile Config ({@link TrulienceWar}), so the pool travels inside the test's WAR instead of being created by
 * the server's post-boot commands as in scripts/run. Same settings as server-config/payara-micro-pool.asadmin.
 */
@DataSourceDefinition(
        name = EmbeddedPool.NAME,
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=trulience.db.url}",
        user = "${MPCONFIG=trulience.db.user}",
        password = "${MPCONFIG=trulience.db.password}",
        minPoolSize = 2,
        maxPoolSize = 32,
        properties = {
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
@Singleton
public class EmbeddedPool {

    static final String NAME = "java:app/jdbc/trulience-embedded";
}
