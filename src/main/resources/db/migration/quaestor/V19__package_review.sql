-- Review before release: an officer may build a request's package while it is in progress and
-- open its letter and manifest before completing sends the subject the link. The first officer
-- to open them, and when, is what "reviewed" means; each opening is also an audit event.
ALTER TABLE access_package
    ADD COLUMN reviewed_at timestamptz,
    ADD COLUMN reviewed_by uuid;
