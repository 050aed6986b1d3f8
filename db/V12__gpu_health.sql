-- GPU health beyond thresholds (issue 17): clocks, memory temperature, throttle reasons, ECC and row remapping per
-- sample; each card's own limits from the hello; Xid, double-bit ECC and GPU-lost events; the state that keeps
-- alert evaluation in sample order; and the margin to the card's slowdown temperature as a threshold metric.

-- Throttle reasons travel as names and are kept as a bitmask (agents/control/FrameParser and metrics/entity/Throttle
-- own the bits): 1 sw_power_cap, 2 hw_slowdown, 4 sw_thermal_slowdown, 8 hw_thermal_slowdown, 16 hw_power_brake_slowdown.
-- Every new column is NULL where the card does not report it.
ALTER TABLE gpu_metrics_latest
    ADD COLUMN sm_clock_mhz INTEGER,
    ADD COLUMN memory_temperature_celsius SMALLINT,
    ADD COLUMN throttle_reasons SMALLINT,
    ADD COLUMN ecc_uncorrected_volatile BIGINT,
    ADD COLUMN remapped_rows_pending BOOLEAN,
    ADD COLUMN remapped_rows_failure BOOLEAN,
    ADD COLUMN pcie_replay_count BIGINT;

-- History keeps what is worth charting. On the partitioned parent, so every hourly partition (and the default one,
-- and those the retention timer creates later) gets the columns.
ALTER TABLE gpu_metrics
    ADD COLUMN sm_clock_mhz INTEGER,
    ADD COLUMN memory_temperature_celsius SMALLINT,
    ADD COLUMN throttle_reasons SMALLINT;

-- Folded like power and fan: a count of the samples that had a value, min, max, sum; the throttle bits seen in the
-- hour (OR) and how many samples were throttled at all.
ALTER TABLE gpu_metrics_hourly
    ADD COLUMN sm_clock_samples INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN sm_clock_mhz_min INTEGER,
    ADD COLUMN sm_clock_mhz_max INTEGER,
    ADD COLUMN sm_clock_mhz_sum BIGINT,
    ADD COLUMN memory_temperature_samples INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN memory_temperature_celsius_min SMALLINT,
    ADD COLUMN memory_temperature_celsius_max SMALLINT,
    ADD COLUMN memory_temperature_celsius_sum BIGINT,
    ADD COLUMN throttle_reasons_seen SMALLINT,
    ADD COLUMN throttled_samples INTEGER NOT NULL DEFAULT 0;

-- The card's own limits, as the last hello announced them.
ALTER TABLE worker_gpus
    ADD COLUMN slowdown_temperature_celsius SMALLINT,
    ADD COLUMN shutdown_temperature_celsius SMALLINT,
    ADD COLUMN max_sm_clock_mhz INTEGER,
    ADD COLUMN enforced_power_limit_watts INTEGER;

-- What the agent's event thread saw, at the time it saw it (an event replayed after an outage keeps its time).
-- The natural key makes a replay store nothing twice: seq is only unique within one outbox directory, so a
-- reinstalled agent would reuse seqs for new events; an event is the same event when its GPU, time (ms), kind
-- and Xid are.
CREATE TABLE gpu_events (
    id BIGSERIAL PRIMARY KEY,
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL CHECK (gpu_index BETWEEN 0 AND 63),
    uuid TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('xid', 'ecc_double_bit', 'gpu_lost')),
    xid INTEGER CHECK (xid >= 0),
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK (kind = 'xid' OR xid IS NULL)
);
CREATE UNIQUE INDEX uq_gpu_events ON gpu_events(worker_id, gpu_index, occurred_at, kind, xid) NULLS NOT DISTINCT;
CREATE INDEX idx_gpu_events_worker_occurred_at ON gpu_events(worker_id, occurred_at DESC);
CREATE INDEX idx_gpu_events_occurred_at ON gpu_events(occurred_at);

-- Per GPU: the newest sample that alert evaluation has applied (an older one arriving later is skipped, so that
-- two groups evaluated out of order cannot confuse the consecutive-sample counts), and the streaks of throttled
-- samples that open a throttle alert at 3. The row is locked while its worker is evaluated.
CREATE TABLE gpu_alert_state (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL,
    evaluated_until TIMESTAMPTZ NOT NULL,
    thermal_throttle_samples SMALLINT NOT NULL DEFAULT 0 CHECK (thermal_throttle_samples >= 0),
    power_throttle_samples SMALLINT NOT NULL DEFAULT 0 CHECK (power_throttle_samples >= 0),
    PRIMARY KEY (worker_id, gpu_index)
);

-- The margin to the slowdown temperature alerts when it falls to or below its levels: warning above critical.
ALTER TABLE metric_thresholds DROP CONSTRAINT metric_thresholds_check;
ALTER TABLE metric_thresholds ADD CONSTRAINT metric_thresholds_levels_in_order CHECK (
    CASE WHEN metric_name = 'temperature_margin_celsius' THEN warning_value >= critical_value
         ELSE warning_value <= critical_value END);

INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES
    (NULL, 'temperature_margin_celsius', 10, 3);
