package com.trulience.security.control;

import com.trulience.platform.control.DatabaseMigration;
import com.trulience.security.entity.Role;
import com.trulience.security.entity.User;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes sure a fresh installation can be signed into: creates user "admin" while no admin exists. */
@Startup
@Singleton
@DependsOn("DatabaseMigration")
public class AdminBootstrap {

    static final String ADMIN_USERNAME = "admin";
    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    DatabaseMigration migration;

    @Inject
    Passwords passwords;

    @Inject
    @ConfigProperty(name = "trulience.admin.password")
    Optional<String> configuredPassword;

    @PostConstruct
    void createFirstAdmin() {
        if (migration.failure().isPresent() || adminExists()) {
            return;
        }
        String password = configuredPassword.filter(value -> !value.isBlank()).orElseGet(AdminBootstrap::randomPassword);
        em.persist(new User(ADMIN_USERNAME, passwords.hash(password.toCharArray()), Role.ADMIN));
        if (configuredPassword.isPresent()) {
            LOG.info("Created user 'admin' with the password from TRULIENCE_ADMIN_PASSWORD");
        } else {
            LOG.warning("Created user 'admin' with generated password: " + password
                    + " (shown only now; set TRULIENCE_ADMIN_PASSWORD before the first start to choose it)");
        }
    }

    private boolean adminExists() {
        return em.createNamedQuery(User.COUNT_BY_ROLE, Long.class).setParameter("role", Role.ADMIN).getSingleResult() > 0;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
