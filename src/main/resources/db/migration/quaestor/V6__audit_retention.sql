-- Audit retention: past the online period an event's payload moves to the archive (a file in
-- quaestor.audit.archive-dir) and leaves the database; its seq, id, times and leaf hash stay, so
-- every signed checkpoint and every proof still verifies. Past the total period the archive file
-- itself is deleted. Nothing else about the trail may change: the only UPDATE the guard lets
-- through is exactly this removal, and only from inside audit_remove_payload, which the runtime
-- role may call but whose rules it cannot alter.

ALTER TABLE audit_event
    ALTER COLUMN actor DROP NOT NULL,
    ALTER COLUMN action DROP NOT NULL,
    ALTER COLUMN resource_type DROP NOT NULL,
    ALTER COLUMN outcome DROP NOT NULL,
    ALTER COLUMN details DROP NOT NULL,
    ALTER COLUMN canonical DROP NOT NULL,
    ADD COLUMN payload_removed_at timestamptz,
    ADD COLUMN archive_file text,
    ADD CONSTRAINT audit_event_payload_present CHECK (
        payload_removed_at IS NOT NULL
        OR (actor IS NOT NULL AND action IS NOT NULL AND resource_type IS NOT NULL AND outcome IS NOT NULL
            AND details IS NOT NULL AND canonical IS NOT NULL)),
    ADD CONSTRAINT audit_event_payload_removed CHECK (
        payload_removed_at IS NULL
        OR (canonical IS NULL AND archive_file IS NOT NULL AND num_nonnulls(actor, actor_role, authentication_method, action,
            resource_type, resource_id, tenant, justification_code, justification_reference, grant_id, approval_id,
            outcome, origin, request_id, details) = 0));

CREATE FUNCTION audit_event_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('quaestor.audit_payload_removal', true) = 'on'
       AND OLD.payload_removed_at IS NULL AND NEW.payload_removed_at IS NOT NULL
       AND NEW.seq = OLD.seq AND NEW.event_id = OLD.event_id AND NEW.occurred_at = OLD.occurred_at
       AND NEW.recorded_at = OLD.recorded_at AND NEW.leaf_hash = OLD.leaf_hash
       AND NEW.break_glass = OLD.break_glass AND NEW.canonical IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER audit_event_append_only ON audit_event;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_guard();

-- Removes the payload of events that occurred before the cutoff, up to a sequence number (the
-- events the caller has just archived). Refuses a cutoff less than a day old, so a mistaken
-- configuration cannot empty the online trail.
CREATE FUNCTION audit_remove_payload(cutoff timestamptz, up_to_seq bigint, archive text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    removed bigint;
BEGIN
    IF cutoff > now() - interval '1 day' THEN
        RAISE EXCEPTION 'audit payloads stay online for at least a day (cutoff %)', cutoff;
    END IF;
    IF archive IS NULL OR archive !~ '^audit-archive-[0-9]+-[0-9]+\.ndjson\.gz$' THEN
        RAISE EXCEPTION 'an archive file name is required';
    END IF;
    PERFORM set_config('quaestor.audit_payload_removal', 'on', true);
    UPDATE public.audit_event
       SET actor = NULL, actor_role = NULL, authentication_method = NULL, action = NULL, resource_type = NULL,
           resource_id = NULL, tenant = NULL, justification_code = NULL, justification_reference = NULL,
           grant_id = NULL, approval_id = NULL, outcome = NULL, origin = NULL, request_id = NULL, details = NULL,
           canonical = NULL, payload_removed_at = now(), archive_file = archive
     WHERE occurred_at < cutoff AND seq <= up_to_seq AND payload_removed_at IS NULL;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('quaestor.audit_payload_removal', 'off', true);
    RETURN removed;
END $$;

REVOKE ALL ON FUNCTION audit_remove_payload(timestamptz, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_remove_payload(timestamptz, bigint, text) TO ${runtime_role};
CREATE INDEX audit_event_online_idx ON audit_event (occurred_at) WHERE payload_removed_at IS NULL;
