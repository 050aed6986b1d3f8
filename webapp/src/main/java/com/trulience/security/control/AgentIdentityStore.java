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
 * its token and never from what its frames say.
 */
@ApplicationScoped
public class AgentIdentityStore implements IdentityStore {

    public static final String AGENT_GROUP = "agent";
    private static final String CALLER_PREFIX = "worker:";

    @PersistenceContext
    EntityManager em;

    public CredentialValidationResult validate(AgentTokenCredential credential) {
        return em.createNamedQuery(Worker.BY_TOKEN_HASH, Worker.class)
                .setParameter("tokenHash", AgentTokens.hash(credential.token()))
                .getResultStream()
                .findFirst()
                .map(worker -> new CredentialValidationResult(CALLER_PREFIX + worker.id(), Set.of(AGENT_GROUP)))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }

    /** The worker id of a caller this store validated. */
    public static long workerId(String callerName) {
        if (callerName == null || !callerName.startsWith(CALLER_PREFIX)) {
            throw new IllegalArgumentException("not an agent caller: " + callerName);
        }
        return Long.parseLong(callerName.substring(CALLER_PREFIX.length()));
    }
}
