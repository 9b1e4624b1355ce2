-- A data map may describe several kinds of subject (users, a customer's end users); a request
-- found as several kinds is erased by one run per kind, each with its own plan and certificate.
-- NULL: the map's first kind (every run before this migration).
ALTER TABLE erasure_run ADD COLUMN subject_kind text;
ALTER TABLE erasure_run DROP CONSTRAINT erasure_run_request_id_key;
CREATE UNIQUE INDEX erasure_run_request_kind_idx ON erasure_run (request_id, coalesce(subject_kind, '')) WHERE request_id IS NOT NULL;
