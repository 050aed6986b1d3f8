package com.trulience.workers.entity;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

@Entity
@Table(name = "workers")
@NamedQuery(name = Worker.ALL, query = "SELECT w FROM Worker w ORDER BY w.name")
public class Worker {

    public static final String ALL = "Worker.all";

    /** Three missed samples at the default 5 s interval, plus slack. */
    public static final Duration OFFLINE_AFTER = Duration.ofSeconds(20);

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String name;

    private String hostname;

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

    @Column(name = "last_seen_at")
    private OffsetDateTime lastSeenAt;

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

    public OffsetDateTime lastSeenAt() {
        return lastSeenAt;
    }

    public boolean isOnline(OffsetDateTime now) {
        return lastSeenAt != null && lastSeenAt.isAfter(now.minus(OFFLINE_AFTER));
    }

    public OffsetDateTime createdAt() {
        return createdAt;
    }
}
