package com.trulience.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How backend nodes on one database tell each other what only the node holding a socket can do (send a restart
 * command, close an agent's socket, push to its open dashboards). Publishing is a PostgreSQL NOTIFY inside the
 * caller's transaction, so the other nodes hear of a change only once it is committed; each node LISTENs on one
 * dedicated connection and fires what it hears from the other nodes as a local {@link ClusterSignal} event.
 * With a single node the signals go nowhere and cost one NOTIFY each.
 */
@ApplicationScoped
public class ClusterSignals {

    static final String CHANNEL = "trulience_cluster";
    private static final Logger LOG = Logger.getLogger(ClusterSignals.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Event<ClusterSignal> signals;

    @Resource
    ManagedThreadFactory threads;

    // The LISTEN connection is one connection of the application's pool, held for as long as it works: never a
    // second way to the database with settings of its own. The pools never reclaim a connection in use (neither
    // leak reclamation nor a usage limit is configured, server-config/README.md); validation and fail-all only touch
    // idle ones, and a broken held one surfaces as an error in the listener, which closes it and takes a new one.
    @Resource(lookup = DatabaseMigration.DATA_SOURCE)
    DataSource dataSource;

    @Inject
    @ConfigProperty(name = "trulience.node.name")
    Optional<String> configuredNode;

    private String node;
    private NotificationListener listener;

    @PostConstruct
    void name() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        // Random per start, so that a restarted node never mistakes its predecessor's state for its own.
        node = configuredNode.map(String::strip).filter(name -> !name.isEmpty()).orElse("node") + "-" + HexFormat.of().formatHex(random);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        listener = new NotificationListener(dataSource::getConnection, CHANNEL, this::received);
        threads.newThread(listener).start();
        LOG.info(() -> "Backend node " + node + " listens for the other nodes' signals on channel " + CHANNEL);
    }

    @PreDestroy
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    /** This node's name in signals and in workers.connection: TRULIENCE_NODE_NAME (default "node") and a random suffix. */
    public String node() {
        return node;
    }

    /** Tells the other nodes once the caller's transaction commits (at once without one). */
    @Transactional
    public void publish(String topic, JsonObject body) {
        String payload = JsonP.PROVIDER.createObjectBuilder().add("node", node).add("topic", topic).add("body", body).build().toString();
        em.createNativeQuery("SELECT pg_notify(?1, ?2)").setParameter(1, CHANNEL).setParameter(2, payload).getResultList();
    }

    void received(String payload) {
        var json = JsonP.PROVIDER.createReader(new StringReader(payload)).readObject();
        if (json.get("node") instanceof JsonString from && from.getString().equals(node)) {
            return;
        }
        signals.fireAsync(new ClusterSignal(json.getString("topic"), json.getJsonObject("body")));
    }
}
