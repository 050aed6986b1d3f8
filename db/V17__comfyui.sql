-- ComfyUI-aware (issue 18): ComfyUI's state per worker, its job counts per sample, remediation actions beside
-- restarts in one audit trail, the opt-in automatic free_memory and the reserved user that initiates it.

-- The newest ComfyUI state a worker's agent reported (the `comfyui` object of gpu_metrics). idle_since and
-- unreachable_samples are counted on the backend's receive time (received_at), never the agent's clock:
-- idle_since is when ComfyUI was first seen without a running or pending job (NULL while busy or unreachable).
CREATE TABLE comfyui_latest (
    worker_id BIGINT PRIMARY KEY REFERENCES workers(id) ON DELETE CASCADE,
    recorded_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    reachable BOOLEAN NOT NULL,
    version TEXT CHECK (char_length(version) BETWEEN 1 AND 64),
    jobs_running INTEGER CHECK (jobs_running BETWEEN 0 AND 100000),
    jobs_pending INTEGER CHECK (jobs_pending BETWEEN 0 AND 100000),
    running_prompt_id TEXT CHECK (running_prompt_id ~ '^[A-Za-z0-9._:-]{1,128}$'),
    idle_since TIMESTAMPTZ,
    unreachable_samples INTEGER NOT NULL DEFAULT 0 CHECK (unreachable_samples >= 0),
    CHECK (reachable OR (version IS NULL AND jobs_running IS NULL AND jobs_pending IS NULL AND running_prompt_id IS NULL)),
    CHECK (NOT reachable OR (jobs_running IS NOT NULL AND jobs_pending IS NOT NULL))
);

-- Jobs running/pending per sample for the worker page's chart (NULL counts: unreachable); deleted with the raw
-- window (METRICS_RETENTION_HOURS) by retention.
CREATE TABLE comfyui_samples (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    recorded_at TIMESTAMPTZ NOT NULL,
    reachable BOOLEAN NOT NULL,
    jobs_running INTEGER,
    jobs_pending INTEGER,
    PRIMARY KEY (worker_id, recorded_at)
);
CREATE INDEX idx_comfyui_samples_recorded_at ON comfyui_samples(recorded_at);

-- Opt-in: on idle_vram_held the backend requests free_memory once per alert (never a restart or an interrupt).
ALTER TABLE workers ADD COLUMN auto_free_memory BOOLEAN NOT NULL DEFAULT false;

-- Remediation actions share the restart audit trail. Existing rows are restarts.
ALTER TABLE restart_logs
    ADD COLUMN action TEXT NOT NULL DEFAULT 'restart' CHECK (action IN ('restart', 'free_memory', 'interrupt')),
    ADD COLUMN vram_before_mb INTEGER CHECK (vram_before_mb BETWEEN 0 AND 100000000),
    ADD COLUMN vram_after_mb INTEGER CHECK (vram_after_mb BETWEEN 0 AND 100000000),
    -- the idle_vram_held alert an automatic free_memory answers: at most one action per alert, whichever node sees it
    ADD COLUMN alert_id BIGINT REFERENCES alerts(id);
CREATE UNIQUE INDEX uq_restart_logs_alert ON restart_logs(alert_id) WHERE alert_id IS NOT NULL;

ALTER TABLE restart_logs DROP CONSTRAINT restart_logs_status_check;
ALTER TABLE restart_logs ADD CONSTRAINT restart_logs_status_check CHECK (
    CASE WHEN action = 'restart'
         THEN status IN ('initiated', 'waiting_for_job', 'stopping', 'restarting', 'completed', 'failed')
         ELSE status IN ('initiated', 'running', 'completed', 'failed') END);

-- The reserved initiator of automatic actions. Its hash is no PBKDF2 hash, so it can never match a password, and
-- the identity store refuses the name before hashing anything; the users API refuses to create or change it.
INSERT INTO users (username, password_hash, role) VALUES ('system', '!reserved: cannot sign in', 'viewer')
    ON CONFLICT (username) DO NOTHING;
