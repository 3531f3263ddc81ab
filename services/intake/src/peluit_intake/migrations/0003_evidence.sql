-- Evidence the reporter sent through the mailbox, as their own copy: the file name only under
-- the receipt-derived key; size and a hash prefix so they can check what arrived. The file itself
-- lives (encrypted) in the evidence service.
CREATE TABLE evidence_forwarded (
    evidence_id   uuid PRIMARY KEY,
    report_id     uuid NOT NULL REFERENCES reports (id),
    reporter_copy bytea NOT NULL,
    size_bytes    bigint NOT NULL,
    sha256_prefix text NOT NULL,
    forwarded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_forwarded_report ON evidence_forwarded (report_id, forwarded_at);
