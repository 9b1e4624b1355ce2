-- A notice whose address keeps failing is given up after a bounded number of attempts, recorded as such.
ALTER TABLE document_notice DROP CONSTRAINT document_notice_outcome_check;
ALTER TABLE document_notice ADD CONSTRAINT document_notice_outcome_check
    CHECK (outcome IN ('SENT', 'QUEUED_FOR_GATEWAY', 'UNSUBSCRIBED', 'GAVE_UP'));
