-- A worker whose clock runs fast: its samples are stored at the backend's receive time instead of the agent's
-- timestamp (which would be refused, or pin gpu_metrics_latest in the future), and marked so.
ALTER TABLE gpu_metrics ADD COLUMN clock_corrected BOOLEAN NOT NULL DEFAULT false;
-- How far ahead the agent's clock was in its newest batch, in milliseconds; NULL while within the tolerance.
ALTER TABLE workers ADD COLUMN clock_offset_ms BIGINT;
