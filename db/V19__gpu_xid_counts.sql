-- trulience_gpu_xid_events_total (issue 21): per GPU and Xid code, how many Xid events were ever stored. A counter
-- must never go down, so it cannot be a COUNT over gpu_events, whose rows retention deletes; it is kept here instead,
-- raised by GpuEvents.store in the statement that stores the event, and only when that statement stored a new row
-- (a replayed event is counted once). Few rows: only GPUs that ever had an Xid. first_counted_at is the counter's
-- creation time (OpenMetrics _created).
CREATE TABLE gpu_xid_counts (
    worker_id BIGINT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    gpu_index SMALLINT NOT NULL CHECK (gpu_index BETWEEN 0 AND 63),
    xid INTEGER NOT NULL CHECK (xid >= 0),
    events_total BIGINT NOT NULL CHECK (events_total > 0),
    first_counted_at TIMESTAMPTZ NOT NULL,
    last_occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (worker_id, gpu_index, xid)
);

-- Counting starts from the events already stored (those retention has deleted are gone for good).
INSERT INTO gpu_xid_counts (worker_id, gpu_index, xid, events_total, first_counted_at, last_occurred_at)
SELECT worker_id, gpu_index, xid, COUNT(*), MIN(received_at), MAX(occurred_at)
FROM gpu_events WHERE kind = 'xid'
GROUP BY worker_id, gpu_index, xid;
