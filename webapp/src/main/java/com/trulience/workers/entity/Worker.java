package com.trulience.workers.entity;

import com.trulience.platform.control.Refused;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.NamedNativeQuery;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.OrderBy;
import jakarta.persistence.QueryHint;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A GPU machine whose agent may connect with its token. Liveness ({@code online}, {@code lastSeenAt},
 * {@code connection}) is written only by the guarded statements below, from the ingestion path, the sockets and
 * the liveness timer, so that every backend node agrees.
 */
@Entity
@Table(name = "workers")
// Batch-fetch the collections of all listed workers in one query each, instead of two queries per worker.
@NamedQuery(name = Worker.ALL, query = "SELECT w FROM Worker w ORDER BY w.name", hints = {
    @QueryHint(name = "eclipselink.batch.type", value = "IN"),
    @QueryHint(name = "eclipselink.batch", value = "w.services"),
    @QueryHint(name = "eclipselink.batch", value = "w.gpus")})
@NamedQuery(name = Worker.BY_TOKEN_HASH, query = "SELECT w FROM Worker w WHERE w.tokenHash = :tokenHash")
@NamedQuery(name = Worker.COUNT_BY_NAME, query = "SELECT COUNT(w) FROM Worker w WHERE w.name = :name")
@NamedQuery(name = Worker.GPUS_OF, query = "SELECT w.id, g.gpuIndex, g.powerLimitWatts, g.slowdownTemperatureCelsius FROM Worker w JOIN w.gpus g WHERE w.id IN :ids")
@NamedQuery(name = Worker.NAMES, query = "SELECT NEW com.trulience.workers.entity.WorkerName(w.id, w.name) FROM Worker w ORDER BY w.name")
@NamedQuery(name = Worker.NAMES_OF, query = "SELECT NEW com.trulience.workers.entity.WorkerName(w.id, w.name) FROM Worker w WHERE w.id IN :ids")
@NamedQuery(name = Worker.LINKS_OF, query = "SELECT w.id, w.tokenHash, w.connection FROM Worker w WHERE w.id IN :ids")
@NamedNativeQuery(name = Worker.CAME_ONLINE, query = "UPDATE workers SET online = true, last_seen_at = NOW() WHERE id = ?1 AND NOT online")
@NamedNativeQuery(name = Worker.SEEN, query = "UPDATE workers SET last_seen_at = NOW() WHERE id = ?1")
@NamedNativeQuery(name = Worker.CONNECTED, query = "UPDATE workers SET connection = ?1 WHERE id = ?2")
@NamedNativeQuery(name = Worker.DISCONNECTED, query = "UPDATE workers SET online = false WHERE id = ?1 AND online AND connection = ?2")
@NamedNativeQuery(name = Worker.SILENT_GO_OFFLINE, query = """
        UPDATE workers SET online = false
        WHERE online AND last_seen_at < NOW() - make_interval(secs => 3 * interval_seconds)
        RETURNING id""")
public class Worker {

    public static final String ALL = "Worker.all";
    public static final String BY_TOKEN_HASH = "Worker.byTokenHash";
    public static final String COUNT_BY_NAME = "Worker.countByName";
    /** Rows of worker id, GPU index, power limit, slowdown temperature (one query for many workers, without loading whole entities). */
    public static final String GPUS_OF = "Worker.gpusOf";
    /** Rows of worker id, name. */
    public static final String NAMES = "Worker.names";
    /** Rows of worker id, name. */
    public static final String NAMES_OF = "Worker.namesOf";
    /** Rows of worker id, token hash (null when revoked), newest connection. */
    public static final String LINKS_OF = "Worker.linksOf";
    /** Marks worker ?1 online and seen now, if it was offline: one row updated means it came online. */
    public static final String CAME_ONLINE = "Worker.cameOnline";
    /** Worker ?1 was heard from now. */
    public static final String SEEN = "Worker.seen";
    /** Connection ?1 is worker ?2's newest. */
    public static final String CONNECTED = "Worker.connected";
    /** Worker ?1 goes offline if connection ?2 is still its newest: one row updated means it went offline. */
    public static final String DISCONNECTED = "Worker.disconnected";
    /** Workers silent for three of their intervals go offline; returns their ids. */
    public static final String SILENT_GO_OFFLINE = "Worker.silentGoOffline";
    /**
     * The ingestion path's JDBC statement (?: an array of worker ids, ?: their clock offsets, null within the
     * tolerance): they were heard from now; returns each id with whether it was online before and its new last_seen_at. Rows are locked in id order so that two writers (or two nodes) never deadlock on
     * them, and with NO KEY UPDATE, which does not conflict with the KEY SHARE locks that the foreign keys of the
     * rows just inserted (by this or another writer) hold on the same workers: FOR UPDATE did, and deadlocked under load.
     */
    public static final String MARK_SEEN_SQL = """
            WITH seen AS (
                SELECT * FROM unnest(?::bigint[], ?::bigint[]) AS s(id, clock_offset_ms)
            ), previous AS (
                SELECT id, online FROM workers WHERE id IN (SELECT id FROM seen) ORDER BY id FOR NO KEY UPDATE
            )
            UPDATE workers w SET last_seen_at = NOW(), online = true, clock_offset_ms = seen.clock_offset_ms
            FROM previous JOIN seen USING (id) WHERE w.id = previous.id
            RETURNING w.id, previous.online, w.last_seen_at
            """;
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;

    private String hostname;

    /** SHA-256 of the agent's token; null once revoked. */
    @Column(name = "token_hash")
    private String tokenHash;

    @Column(name = "agent_version")
    private String agentVersion;

    @Column(name = "driver_version")
    private String driverVersion;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "worker_services", joinColumns = @JoinColumn(name = "worker_id"))
    @Column(name = "service_name")
    @OrderBy
    private List<String> services = new ArrayList<>();

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "worker_gpus", joinColumns = @JoinColumn(name = "worker_id"))
    @OrderBy("gpuIndex")
    private List<WorkerGpu> gpus = new ArrayList<>();

    @Column(name = "last_seen_at", insertable = false, updatable = false)
    private OffsetDateTime lastSeenAt;

    @Column(insertable = false, updatable = false)
    private boolean online;

    /** Node and socket of the agent's newest connection; written by the guarded statements only. */
    @Column(insertable = false, updatable = false)
    private String connection;

    /** How far ahead the agent's clock was in its newest batch (ms); written by {@link #MARK_SEEN_SQL} only. */
    @Column(name = "clock_offset_ms", insertable = false, updatable = false)
    private Long clockOffsetMs;

    /** Whether idle_vram_held sends free_memory by itself (db/V17); written by WorkerSettings' UPDATE only. */
    @Column(name = "auto_free_memory", insertable = false, updatable = false)
    private boolean autoFreeMemory;

    @Column(name = "interval_seconds")
    private int intervalSeconds = 5;

    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    protected Worker() {
    }

    public Worker(String name, String tokenHash) {
        this.name = name;
        this.tokenHash = tokenHash;
    }

    /** The worker with that id; every action on a worker that does not exist is refused with the same words. */
    public static Worker require(EntityManager em, long id) {
        var worker = em.find(Worker.class, id);
        if (worker == null) {
            throw new Refused(Refused.Reason.NOT_FOUND, "no worker with id " + id);
        }
        return worker;
    }

    /** What the agent announced in its hello replaces what an earlier hello said. */
    public void announce(String hostname, String agentVersion, String driverVersion, int intervalSeconds,
                         List<String> services, List<WorkerGpu> gpus) {
        this.hostname = hostname;
        this.agentVersion = agentVersion;
        this.driverVersion = driverVersion;
        this.intervalSeconds = intervalSeconds;
        this.services = new ArrayList<>(services);
        this.gpus = new ArrayList<>(gpus);
    }

    public void replaceToken(String tokenHash) {
        this.tokenHash = tokenHash;
    }

    public void revokeToken() {
        this.tokenHash = null;
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String hostname() {
        return hostname;
    }

    public String agentVersion() {
        return agentVersion;
    }

    public String driverVersion() {
        return driverVersion;
    }

    public List<String> services() {
        return List.copyOf(services);
    }

    public List<WorkerGpu> gpus() {
        return List.copyOf(gpus);
    }

    public boolean hasToken() {
        return tokenHash != null;
    }

    public OffsetDateTime lastSeenAt() {
        return lastSeenAt;
    }

    public boolean autoFreeMemory() {
        return autoFreeMemory;
    }

    public boolean online() {
        return online;
    }

    public Long clockOffsetMs() {
        return clockOffsetMs;
    }

    public int intervalSeconds() {
        return intervalSeconds;
    }

    public OffsetDateTime createdAt() {
        return createdAt;
    }
}
