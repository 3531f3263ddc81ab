-- The original's hash, kept in clear to check an idempotent retry, let a copy of this database
-- prove that a known file had been sent. A retry is now checked against a keyed digest of the
-- original (BLAKE2b under a key derived from evidence's event-signing key, which the database
-- never holds). Rows stored before keep no check: a retry of those answers 409, not a copy.
ALTER TABLE evidence_files ADD COLUMN retry_check bytea;
UPDATE evidence_files SET original_sha256 = NULL;
