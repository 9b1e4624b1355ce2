-- The console's queue is ordered by the deadline in force (extended or not), open requests first
-- in view. Keyset pages over (effective due, id) need that expression indexed, whole and for
-- open requests, so a page of 100,000 requests costs what a page of 100 does.
CREATE INDEX dsar_request_due_idx ON dsar_request ((coalesce(extended_due_at, due_at)), id);
CREATE INDEX dsar_request_open_due_idx ON dsar_request ((coalesce(extended_due_at, due_at)), id) WHERE closed_at IS NULL;
