-- Reports as the reporter sees them. Content lives only as ciphertext: the reporter's copy under
-- a key derived from the receipt; the team's copy was sealed and sent through the outbox.
CREATE TABLE report_counters (
    year       integer PRIMARY KEY,
    last_value bigint NOT NULL
);

CREATE TABLE reports (
    id              uuid PRIMARY KEY,
    report_number   text NOT NULL UNIQUE,
    receipt_lookup  bytea NOT NULL UNIQUE,   -- HMAC(pepper, receipt)
    receipt_hash    text NOT NULL,           -- Argon2id
    reporter_salt   bytea NOT NULL,
    reporter_copy   bytea NOT NULL,          -- SecretBox(Argon2id(receipt, salt), content)
    channel         text NOT NULL,
    public_status   text NOT NULL DEFAULT 'received',
    submitted_at    timestamptz NOT NULL DEFAULT now()
);
