-- Per-minute summaries of the raw samples, written in the transaction that stores them (BatchWriter's INSERT),
-- so that a day of one worker is ~1,440 rows per GPU instead of ~17,280: history buckets of a minute or more read
-- these. Sums and counts (not averages), as in gpu_metrics_hourly, so that a later batch adds to its minute.
-- Kept as long as the raw samples (retention deletes the minutes that left the raw window); ranges beyond it
-- come from the hourly table as before.
CREATE TABLE gpu_metrics_minute (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL,
    minute TIMESTAMPTZ NOT NULL CHECK (minute = date_trunc('minute', minute, 'UTC')),
    samples INTEGER NOT NULL CHECK (samples > 0),
    vram_used_mb_max INTEGER NOT NULL,
    vram_used_mb_sum BIGINT NOT NULL,
    vram_total_mb INTEGER NOT NULL,
    temperature_celsius_max SMALLINT NOT NULL,
    temperature_celsius_sum BIGINT NOT NULL,
    utilization_percent_max SMALLINT NOT NULL,
    utilization_percent_sum BIGINT NOT NULL,
    -- optional per sample, so each counts its own samples
    power_draw_samples INTEGER NOT NULL,
    power_draw_watts_max SMALLINT,
    power_draw_watts_sum BIGINT,
    fan_speed_samples INTEGER NOT NULL,
    fan_speed_percent_sum BIGINT,
    sm_clock_samples INTEGER NOT NULL,
    sm_clock_mhz_sum BIGINT,
    memory_temperature_samples INTEGER NOT NULL,
    memory_temperature_celsius_sum BIGINT,
    PRIMARY KEY (worker_id, gpu_index, minute)
);

CREATE INDEX idx_gpu_metrics_minute_minute ON gpu_metrics_minute(minute);

-- Samples stored before this migration have no minutes: a history range that begins before it reads raw rows.
CREATE TABLE minute_rollup_start (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    started_at TIMESTAMPTZ NOT NULL
);
INSERT INTO minute_rollup_start (started_at) VALUES (date_trunc('minute', NOW(), 'UTC') + INTERVAL '1 minute');
