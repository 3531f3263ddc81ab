-- Evidence file metadata (files themselves are ciphertext in the object store) and the cases
-- whose retention ended, so their files are destroyed.
CREATE TABLE evidence_files (
    id            uuid PRIMARY KEY,
    report_id     uuid NOT NULL,
    object_key    text NOT NULL UNIQUE,
    size_bytes    bigint NOT NULL,
    sha256        bytea NOT NULL,
    wrapped_key   bytea NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_files_report ON evidence_files (report_id);

CREATE TABLE purged_cases (
    report_id   uuid PRIMARY KEY,
    case_id     uuid NOT NULL,
    purged_at   timestamptz NOT NULL DEFAULT now()
);
