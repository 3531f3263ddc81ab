-- The secure mailbox: status history, the team's sealed messages and the reporter's follow-ups.
-- key_scheme 1: reporter copy under a 32-byte Argon2id key (no mailbox key pair);
-- key_scheme 2: one 64-byte Argon2id output = SecretBox key + X25519 seed (reporter_public_key).
ALTER TABLE reports ADD COLUMN key_scheme smallint NOT NULL DEFAULT 1;

CREATE TABLE status_history (
    id            bigserial PRIMARY KEY,
    report_id     uuid NOT NULL REFERENCES reports (id),
    public_status text NOT NULL,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX status_history_report ON status_history (report_id, id);

-- Sealed to the reporter's public key by the cases service; opened only in a reporter's session.
CREATE TABLE mailbox_messages (
    message_id  uuid PRIMARY KEY,
    report_id   uuid NOT NULL REFERENCES reports (id),
    kind        text NOT NULL,
    key_id      text NOT NULL,
    sealed      bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mailbox_messages_report ON mailbox_messages (report_id, received_at);

-- The reporter's answers and added information: their own copy under the receipt-derived key;
-- the team's copy was sealed to the cases key and sent through the outbox (event_id).
CREATE TABLE followups (
    id            uuid PRIMARY KEY,
    report_id     uuid NOT NULL REFERENCES reports (id),
    kind          text NOT NULL,
    in_reply_to   uuid,
    reporter_copy bytea NOT NULL,
    event_id      uuid NOT NULL,
    posted_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX followups_report ON followups (report_id, posted_at);
