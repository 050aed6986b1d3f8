-- When a claimed retention pass completed: a slot claimed but never completed is a pass that failed. Retention
-- reports itself stalled when no pass has completed for two hourly slots.
ALTER TABLE retention_passes ADD COLUMN completed_at TIMESTAMPTZ;
