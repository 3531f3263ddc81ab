-- Receipts, key scheme 3: one Argon2id run (>= 64 MiB, t=3) with the report's own salt
-- (reporter_salt) gives the reporter's keys and a verifier; a 4-digit locator at the front of the
-- receipt picks the row. Nothing stored is a fast function of the receipt any more.
ALTER TABLE reports ADD COLUMN receipt_locator integer;
ALTER TABLE reports ADD COLUMN receipt_verifier bytea;
ALTER TABLE reports ADD COLUMN kdf_opslimit integer;
ALTER TABLE reports ADD COLUMN kdf_memlimit bigint;
CREATE INDEX reports_receipt_locator ON reports (receipt_locator)
    WHERE receipt_verifier IS NOT NULL;

-- The old fast index (HMAC under a site-wide pepper) and the weaker Argon2id hash are retired:
-- 16-digit receipts issued before this migration no longer open a mailbox (no deployment holds
-- live reports of that scheme). The columns stay, empty, for one release (rolling upgrades).
ALTER TABLE reports ALTER COLUMN receipt_lookup DROP NOT NULL;
ALTER TABLE reports ALTER COLUMN receipt_hash DROP NOT NULL;
UPDATE reports SET receipt_lookup = NULL, receipt_hash = NULL WHERE receipt_lookup IS NOT NULL;

-- Rate limits shared by every intake replica. Keys are keyed hashes of the source (or report)
-- under a key that rotates hourly and never sits in this database; rows are deleted once their
-- window is over. UNLOGGED: not in the WAL, not replicated, emptied after a crash.
CREATE UNLOGGED TABLE throttle_hits (
    scope     text NOT NULL,
    key       bytea NOT NULL,
    hits      integer NOT NULL,
    resets_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX throttle_hits_resets_at ON throttle_hits (resets_at);
