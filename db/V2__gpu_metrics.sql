-- Seed Task 1.1, plus the reference to workers.
CREATE TABLE gpu_metrics (
    id BIGSERIAL PRIMARY KEY,
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL DEFAULT 0,
    vram_used_mb INTEGER NOT NULL,
    vram_total_mb INTEGER NOT NULL,
    temperature_celsius SMALLINT NOT NULL,
    utilization_percent SMALLINT NOT NULL,
    power_draw_watts SMALLINT,
    fan_speed_percent SMALLINT,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_gpu_metrics_worker_recorded ON gpu_metrics(worker_id, recorded_at DESC);
CREATE INDEX idx_gpu_metrics_recorded_at ON gpu_metrics(recorded_at DESC);
