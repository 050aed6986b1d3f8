-- Seed Task 1.2, plus the reference to workers, one row per scope and metric, and sane bounds.
CREATE TABLE metric_thresholds (
    id BIGSERIAL PRIMARY KEY,
    worker_id BIGINT REFERENCES workers(id) ON DELETE CASCADE,
    metric_name TEXT NOT NULL,
    warning_value INTEGER NOT NULL,
    critical_value INTEGER NOT NULL,
    is_enabled BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK (warning_value <= critical_value)
);

CREATE INDEX idx_metric_thresholds_worker_id ON metric_thresholds(worker_id);
-- worker_id NULL is the global default: NULLS NOT DISTINCT keeps it unique too.
CREATE UNIQUE INDEX uq_metric_thresholds_scope ON metric_thresholds(worker_id, metric_name) NULLS NOT DISTINCT;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON metric_thresholds
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();

-- Default thresholds (worker_id NULL = applies to all workers)
INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES
    (NULL, 'temperature_celsius', 70, 85),
    (NULL, 'vram_used_percent', 85, 95),
    (NULL, 'utilization_percent', 95, 99);
