-- Several backend nodes on one database: what routes work to the node that holds an agent's socket.

-- The agent's newest connection (node and socket). When a socket closes, the worker goes offline only if it was
-- still the newest: an agent that already reconnected to another node stays online.
ALTER TABLE workers ADD COLUMN connection TEXT;

-- When a node sent the restart command to the agent. Claimed with a guarded UPDATE, so that the command is sent
-- once, by one node, however many nodes are told about it.
ALTER TABLE restart_logs ADD COLUMN dispatched_at TIMESTAMPTZ;

-- One retention pass per scheduled slot (the minute its timer fires), whichever nodes' timers fire for it: the
-- first node to insert the slot runs the pass. The advisory lock besides keeps passes from overlapping.
CREATE TABLE retention_passes (
    slot TIMESTAMPTZ PRIMARY KEY,
    node TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
