package com.trulience.security.control;

import com.trulience.workers.control.AgentTokens;
import com.trulience.workers.entity.Worker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/**
 * Agents sign in with their worker's token; the caller is the worker, so the agent's identity comes from
 * its token and never from what its frames say. The caller name also carries the token's hash (not a secret: it
 * is what the database stores), so that a live socket can be checked against the worker's current token.
 */
@ApplicationScoped
public class AgentIdentityStore implements IdentityStore {

    public static final String AGENT_GROUP = "agent";
    private static final String CALLER_PREFIX = "worker:";

    @PersistenceContext
    EntityManager em;

    public CredentialValidationResult validate(AgentTokenCredential credential) {
        String tokenHash = AgentTokens.hash(credential.token());
        return em.createNamedQuery(Worker.BY_TOKEN_HASH, Worker.class)
                .setParameter("tokenHash", tokenHash)
                .getResultStream()
                .findFirst()
                .map(worker -> new CredentialValidationResult(CALLER_PREFIX + worker.id() + ":" + tokenHash, Set.of(AGENT_GROUP)))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }

    /** The worker id of a caller this store validated. */
    public static long workerId(String callerName) {
        return Long.parseLong(parts(callerName)[1]);
    }

    /** The hash of the token a caller this store validated signed in with. */
    public static String tokenHash(String callerName) {
        return parts(callerName)[2];
    }

    private static String[] parts(String callerName) {
        String[] parts = callerName == null ? new String[0] : callerName.split(":", 3);
        if (parts.length != 3 || !callerName.startsWith(CALLER_PREFIX)) {
            throw new IllegalArgumentException("not an agent caller: " + callerName);
        }
        return parts;
    }
}
