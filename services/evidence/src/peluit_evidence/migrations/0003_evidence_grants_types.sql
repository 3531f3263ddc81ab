-- Issue 5: the original file's hash (before metadata removal), the type decided from the
-- content, and the client's idempotency key so a retried upload returns the first file.
ALTER TABLE evidence_files ADD COLUMN original_sha256 bytea;
ALTER TABLE evidence_files ADD COLUMN media_type text;
ALTER TABLE evidence_files ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX evidence_files_idempotency ON evidence_files (report_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
