package com.trulience.security.control;

import com.trulience.platform.control.Refused;
import com.trulience.security.entity.Role;
import com.trulience.security.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Adding users and changing their passwords and roles, without SQL. A changed password or role takes effect on the
 * user's signed-in dashboard sessions at their next request (the session is checked against the user row each time).
 * Every change is logged with who made it; passwords never are.
 */
@ApplicationScoped
public class UserAccounts {

    private static final Logger LOG = Logger.getLogger(UserAccounts.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Passwords passwords;

    public List<User> all() {
        return em.createNamedQuery(User.ALL, User.class).getResultList();
    }

    @Transactional
    public User add(String username, String password, String role, String by) {
        if (username == null || !username.matches(User.NAME_PATTERN)) {
            throw new Refused(Refused.Reason.INVALID, "username must be 1-64 letters, digits, '.', '_', '@' or '-'");
        }
        if (User.isSystem(username)) {
            throw new Refused(Refused.Reason.INVALID, "username '" + username + "' is reserved for the backend's own actions");
        }
        var newRole = role(role);
        requireStrong(password);
        if (find(username) != null) {
            throw new Refused(Refused.Reason.CONFLICT, "a user named '" + username + "' already exists");
        }
        var user = new User(username, passwords.hash(password.toCharArray()), newRole);
        em.persist(user);
        LOG.info(() -> "Added user '" + username + "' (" + newRole.groupName() + ") by " + by);
        return user;
    }

    @Transactional
    public void changePassword(String username, String password, String by) {
        var user = require(username);
        requireStrong(password);
        user.changePassword(passwords.hash(password.toCharArray()));
        LOG.info(() -> "Changed the password of user '" + username + "' by " + by);
    }

    /** A user changing their own password proves it with the current one. */
    @Transactional
    public void changeOwnPassword(String username, String currentPassword, String newPassword) {
        var user = require(username);
        if (currentPassword == null || !passwords.verify(currentPassword.toCharArray(), user.passwordHash())) {
            throw new Refused(Refused.Reason.INVALID, "current_password is not this user's password");
        }
        changePassword(username, newPassword, username);
    }

    @Transactional
    public void changeRole(String username, String role, String by) {
        var user = require(username);
        var newRole = role(role);
        if (user.role() == Role.ADMIN && newRole != Role.ADMIN
                && em.createNamedQuery(User.COUNT_BY_ROLE, Long.class).setParameter("role", Role.ADMIN).getSingleResult() <= 1) {
            throw new Refused(Refused.Reason.CONFLICT, "'" + username + "' is the last admin");
        }
        user.changeRole(newRole);
        LOG.info(() -> "Changed the role of user '" + username + "' to " + newRole.groupName() + " by " + by);
    }

    private static void requireStrong(String password) {
        PasswordRule.weakness(password).ifPresent(why -> {
            throw new Refused(Refused.Reason.INVALID, "password is too weak: " + why + " (at least "
                    + PasswordRule.MIN_LENGTH + " characters of at least two kinds: lower-case, upper-case, digits, symbols)");
        });
    }

    private static Role role(String role) {
        return Arrays.stream(Role.values()).filter(known -> known.groupName().equals(role)).findFirst()
                .orElseThrow(() -> new Refused(Refused.Reason.INVALID, "role must be 'admin' or 'viewer'"));
    }

    private User require(String username) {
        if (User.isSystem(username)) {
            throw new Refused(Refused.Reason.INVALID, "user '" + username + "' is reserved for the backend's own actions and cannot be changed");
        }
        var user = find(username);
        if (user == null) {
            throw new Refused(Refused.Reason.NOT_FOUND, "no user named '" + username + "'");
        }
        return user;
    }

    private User find(String username) {
        return em.createNamedQuery(User.BY_USERNAME, User.class).setParameter("username", username)
                .getResultStream().findFirst().orElse(null);
    }
}
