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

/**
 * Makes sure a fresh installation can be signed into: creates user "admin" while no admin exists. A weak or blank
 * TRULIENCE_ADMIN_PASSWORD stops the deployment with the reason ({@link PasswordRule}) rather than create an
 * admin anyone could guess; once an admin exists the setting is not used, and a weak one is only warned about.
 */
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
        var weakness = configuredPassword.flatMap(PasswordRule::weakness);
        if (migration.failure().isPresent()) {
            return;
        }
        if (adminExists()) {
            weakness.ifPresent(why -> LOG.warning("TRULIENCE_ADMIN_PASSWORD is weak (" + why + "); it is not used, since an admin exists"));
            return;
        }
        if (weakness.isPresent()) {
            String message = "TRULIENCE_ADMIN_PASSWORD is refused: " + weakness.get() + ". It needs at least "
                    + PasswordRule.MIN_LENGTH + " characters of at least two kinds (lower-case, upper-case, digits, "
                    + "symbols); unset it to have one generated";
            LOG.severe(message);
            throw new IllegalStateException(message);
        }
        String password = configuredPassword.orElseGet(AdminBootstrap::randomPassword);
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
        var random = new SecureRandom();
        String password;
        do {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (PasswordRule.weakness(password).isPresent());
        return password;
    }
}
