-- What the restart flow relies on, enforced where every backend node sees it.
-- One restart in flight per worker: of two concurrent requests exactly one row is inserted, on any node.
CREATE UNIQUE INDEX uq_restart_logs_in_flight ON restart_logs(worker_id)
    WHERE status NOT IN ('completed', 'failed');

-- Whether the admin chose to interrupt a running job belongs in the audit.
ALTER TABLE restart_logs ADD COLUMN force BOOLEAN NOT NULL DEFAULT false;

-- No restart row was written before this migration; the UPDATE only guards the constraint below.
UPDATE restart_logs SET completed_at = COALESCE(completed_at, updated_at) WHERE status IN ('completed', 'failed');
ALTER TABLE restart_logs
    ADD CONSTRAINT ck_restart_logs_completed_at CHECK ((status IN ('completed', 'failed')) = (completed_at IS NOT NULL)),
    ADD CONSTRAINT ck_restart_logs_service_name CHECK (service_name ~ '^[A-Za-z0-9@._-]{1,64}$'),
    ADD CONSTRAINT ck_restart_logs_reason CHECK (char_length(reason) <= 500),
    ADD CONSTRAINT ck_restart_logs_error_message CHECK (char_length(error_message) <= 1000);

-- The audit trail is append-only: rows are never deleted, and a finished restart never changes again.
CREATE FUNCTION restart_logs_audit() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'restart_logs rows are never deleted (restart %)', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status IN ('completed', 'failed') AND NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'restart % is % and cannot change', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER restart_logs_audit BEFORE UPDATE OR DELETE ON restart_logs
    FOR EACH ROW EXECUTE FUNCTION restart_logs_audit();
