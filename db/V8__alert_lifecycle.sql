-- Alerts: the fourth seeded metric, and the lifecycle state that every backend node must agree on.

-- Power draw as a share of the card's power limit (from the agent's hello).
INSERT INTO metric_thresholds (worker_id, metric_name, warning_value, critical_value) VALUES
    (NULL, 'power_draw_percent', 90, 98);

-- Consecutive samples below the warning level minus the hysteresis: an open alert resolves at 2. Kept on
-- the row, not in a node's memory, so that whichever node evaluates the next sample continues the count.
ALTER TABLE alerts
    ADD COLUMN recovering_samples SMALLINT NOT NULL DEFAULT 0 CHECK (recovering_samples >= 0);

-- The alert list filters by worker and state, newest first.
CREATE INDEX idx_alerts_worker_opened_at ON alerts(worker_id, opened_at DESC);
