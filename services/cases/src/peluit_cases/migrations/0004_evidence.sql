-- Evidence files stored for a report (from evidence.stored). Keyed by report: the event may
-- arrive before the report's case exists; the case page joins on report_id.
CREATE TABLE evidence (
    evidence_id      uuid PRIMARY KEY,
    report_id        uuid NOT NULL,
    size_bytes       bigint NOT NULL,
    sha256           text NOT NULL,
    metadata_removed boolean NOT NULL,
    sealed_metadata  jsonb NOT NULL,
    sealed_file_key  jsonb NOT NULL,
    stored_at        timestamptz NOT NULL
);
CREATE INDEX evidence_report ON evidence (report_id, stored_at);
