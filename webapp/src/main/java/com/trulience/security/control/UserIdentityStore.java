package com.trulience.security.control;

import com.trulience.security.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/** The users table as Jakarta Security's identity store; a user's role is its one group. */
@ApplicationScoped
public class UserIdentityStore implements IdentityStore {

    @PersistenceContext
    EntityManager em;

    @Inject
    Passwords passwords;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        var user = find(credential.getCaller());
        char[] password = credential.getPassword().getValue();
        // the reserved user's stored hash is no hash: never verified, and the time taken is an unknown user's
        if (user.isEmpty() || User.isSystem(user.get().username())) {
            passwords.verifyNothing(password);
            return CredentialValidationResult.INVALID_RESULT;
        }
        if (!passwords.verify(password, user.get().passwordHash())) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        return new CredentialValidationResult(user.get().username(), Set.of(user.get().role().groupName()));
    }

    /** Identifies the user's current password without revealing anything about it; null for an unknown user. */
    public String passwordStamp(String username) {
        return find(username).map(user -> stamp(user.passwordHash())).orElse(null);
    }

    /** The user's groups now, if the user still exists with the password of the stamp. */
    public Optional<Set<String>> currentGroups(String username, String passwordStamp) {
        return find(username).filter(user -> stamp(user.passwordHash()).equals(passwordStamp))
                .map(user -> Set.of(user.role().groupName()));
    }

    private Optional<User> find(String username) {
        return em.createNamedQuery(User.BY_USERNAME, User.class)
                .setParameter("username", username)
                .getResultStream()
                .findFirst();
    }

    private static String stamp(String passwordHash) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(passwordHash.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
