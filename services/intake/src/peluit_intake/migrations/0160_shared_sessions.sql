-- Mailbox sessions and receipt hand-offs, shared by every intake replica.
-- A row is found by a keyed hash of a random token that only the reporter's browser holds, and
-- sealed (XSalsa20-Poly1305) under another key derived from that token: a copy of this database,
-- with or without intake's key files, opens no session, names no report and shows no receipt.
-- Only the clock columns are in the clear, for expiry.
CREATE TABLE client_sealed_state (
    kind       text NOT NULL,
    id         bytea NOT NULL,
    sealed     bytea NOT NULL,
    opened_at  double precision NOT NULL,
    last_seen  double precision NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX client_sealed_state_age ON client_sealed_state (kind, last_seen);
