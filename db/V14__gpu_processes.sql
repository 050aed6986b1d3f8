-- Who holds the VRAM: the processes of each GPU now, and per hour who held the most.

-- The processes of each GPU's newest sample, replaced with every sample (newest wins, as in gpu_metrics_latest).
-- One row per GPU with the list as a JSON array: the list is written and read only as a whole, one row per sample
-- instead of up to 33, and never searched inside (the hourly table below is what is queried). processes is NULL
-- when the newest sample did not list them (an older agent, or a driver without the calls); [] when none ran.
-- Written by the backend from validated values, never the agent's text as it came.
CREATE TABLE gpu_processes_latest (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL CHECK (gpu_index BETWEEN 0 AND 63),
    recorded_at TIMESTAMPTZ NOT NULL,
    processes JSONB CHECK (processes IS NULL OR jsonb_typeof(processes) = 'array'),
    -- the processes beyond the 32 listed, summed
    other_count INTEGER NOT NULL DEFAULT 0 CHECK (other_count >= 0),
    other_vram_used_mb INTEGER CHECK (other_vram_used_mb >= 0),
    PRIMARY KEY (worker_id, gpu_index)
);

-- Per hour, GPU and holder (process name, systemd unit, container; '' where unknown): the most and the sum of the
-- VRAM it held over the samples it appeared in, built as samples are stored (no raw per-process rows are kept)
-- and deleted with the hourly summaries after HOURLY_RETENTION_DAYS. Several processes of one holder in one
-- sample count as their sum. last_recorded_at keeps a replayed sample from counting twice.
CREATE TABLE gpu_process_hourly (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL CHECK (gpu_index BETWEEN 0 AND 63),
    hour TIMESTAMPTZ NOT NULL CHECK (hour = date_trunc('hour', hour, 'UTC')),
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    container TEXT NOT NULL,
    samples INTEGER NOT NULL CHECK (samples > 0),
    vram_used_mb_max INTEGER NOT NULL CHECK (vram_used_mb_max >= 0),
    vram_used_mb_sum BIGINT NOT NULL CHECK (vram_used_mb_sum >= 0),
    last_recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (worker_id, gpu_index, hour, name, unit, container)
);

-- retention deletes by hour across all workers
CREATE INDEX idx_gpu_process_hourly_hour ON gpu_process_hourly(hour);
