-- Seed Task 1.3, plus the reference to workers and the statuses the protocol uses (DESIGN.md section 2).
CREATE TABLE restart_logs (
    id BIGSERIAL PRIMARY KEY,
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE RESTRICT,
    service_name TEXT NOT NULL,
    initiated_by BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT ON UPDATE CASCADE,
    status TEXT NOT NULL DEFAULT 'initiated'
        CHECK (status IN ('initiated', 'waiting_for_job', 'stopping', 'restarting', 'completed', 'failed')),
    reason TEXT,
    started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    completed_at TIMESTAMPTZ,
    error_message TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_restart_logs_worker_id ON restart_logs(worker_id);
CREATE INDEX idx_restart_logs_initiated_by ON restart_logs(initiated_by);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON restart_logs
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
