CREATE TABLE alerts (
    id BIGSERIAL PRIMARY KEY,
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    -- NULL for conditions of the whole worker (e.g. offline).
    gpu_index SMALLINT,
    metric_name TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('warning', 'critical')),
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
    value DOUBLE PRECISION,
    threshold_value INTEGER,
    message TEXT,
    opened_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_notified_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
);

-- One open alert per worker/GPU/metric, whichever backend node evaluates it.
CREATE UNIQUE INDEX uq_alerts_open ON alerts(worker_id, gpu_index, metric_name) NULLS NOT DISTINCT
    WHERE state = 'open';
CREATE INDEX idx_alerts_opened_at ON alerts(opened_at DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
