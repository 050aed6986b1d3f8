-- The first and last sample time folded into each hourly row. A late sample inside that span is a replay of one
-- already counted (the agent resends what it has no ack for, its hour may have been folded meanwhile): retention
-- drops it instead of folding it twice. NULL for rows folded before this column existed (their late samples fold).
ALTER TABLE gpu_metrics_hourly ADD COLUMN first_recorded_at TIMESTAMPTZ, ADD COLUMN last_recorded_at TIMESTAMPTZ;
