-- Raw rows older than the retention window are folded into one row per worker, GPU and hour.
-- Sums and counts (not averages) are kept so that a re-run or a late batch can add to an hour.
CREATE TABLE gpu_metrics_hourly (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL,
    hour TIMESTAMPTZ NOT NULL CHECK (hour = date_trunc('hour', hour, 'UTC')),
    samples INTEGER NOT NULL CHECK (samples > 0),
    vram_used_mb_min INTEGER NOT NULL,
    vram_used_mb_max INTEGER NOT NULL,
    vram_used_mb_sum BIGINT NOT NULL,
    vram_total_mb INTEGER NOT NULL,
    temperature_celsius_min SMALLINT NOT NULL,
    temperature_celsius_max SMALLINT NOT NULL,
    temperature_celsius_sum BIGINT NOT NULL,
    utilization_percent_min SMALLINT NOT NULL,
    utilization_percent_max SMALLINT NOT NULL,
    utilization_percent_sum BIGINT NOT NULL,
    -- Power and fan are optional per sample, so they count their own samples.
    power_draw_samples INTEGER NOT NULL DEFAULT 0,
    power_draw_watts_min SMALLINT,
    power_draw_watts_max SMALLINT,
    power_draw_watts_sum BIGINT,
    fan_speed_samples INTEGER NOT NULL DEFAULT 0,
    fan_speed_percent_min SMALLINT,
    fan_speed_percent_max SMALLINT,
    fan_speed_percent_sum BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (worker_id, gpu_index, hour)
);

CREATE INDEX idx_gpu_metrics_hourly_hour ON gpu_metrics_hourly(hour DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON gpu_metrics_hourly
    FOR EACH ROW EXECUTE FUNCTION trigger_set_updated_at();
