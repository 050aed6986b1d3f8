package com.trulience.security.control;

import com.trulience.security.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/** The users table as Jakarta Security's identity store; a user's role is its one group. */
@ApplicationScoped
public class UserIdentityStore implements IdentityStore {

    @PersistenceContext
    EntityManager em;

    @Inject
    Passwords passwords;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        var user = em.createNamedQuery(User.BY_USERNAME, User.class)
                .setParameter("username", credential.getCaller())
                .getResultStream()
                .findFirst();
        char[] password = credential.getPassword().getValue();
        if (user.isEmpty()) {
            passwords.verifyNothing(password);
            return CredentialValidationResult.INVALID_RESULT;
        }
        if (!passwords.verify(password, user.get().passwordHash())) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        return new CredentialValidationResult(user.get().username(), Set.of(user.get().role().groupName()));
    }
}
