-- The purge's write-rate ceiling per rule and tenant, as it ended, how often it backed off because
-- the store was busy, and how long it paused for the gateway: part of the run's record.
ALTER TABLE retention_partition ADD COLUMN rate_ceiling double precision;
ALTER TABLE retention_partition ADD COLUMN backoffs integer NOT NULL DEFAULT 0;
ALTER TABLE retention_partition ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0;

-- A chunk about to commit on the gateway's store: its window's end and rows, written to Quaestor's
-- database before that commit and folded into the position after it. A run that died between the
-- two finds it on restart and asks the store whether the window's rows are gone (committed: count
-- them) or still there (rolled back: forget it), so every row is counted exactly once.
ALTER TABLE retention_partition ADD COLUMN pending_clock timestamptz;
ALTER TABLE retention_partition ADD COLUMN pending_rows bigint;
