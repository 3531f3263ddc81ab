-- Keys belong to people (issue 11). The cases host keeps no key that opens content:
-- * each staff member has an X25519 key pair; the private half rests under a key derived from
--   their password (Argon2id, per-user salt) and, while they are signed in, in their session
--   row under a key derived from the session token (the client holds the token, we its hash);
-- * each case has its own key pair (made by intake); its private key is stored only wrapped
--   (sealed) to the people who may open the case and to the offline recovery key;
-- * the identity has its own key pair, wrapped to identity custodians and the recovery key.
ALTER TABLE staff_users
    ADD COLUMN public_key     bytea,     -- X25519; NULL: an account from before person keys
    ADD COLUMN locked_key     bytea,     -- SecretBox(Argon2id(password, key_salt), private key)
    ADD COLUMN key_salt       bytea,
    ADD COLUMN key_opslimit   integer,
    ADD COLUMN key_memlimit   bigint,
    ADD COLUMN custodian      boolean NOT NULL DEFAULT false;

ALTER TABLE staff_sessions
    ADD COLUMN locked_key bytea;         -- SecretBox(BLAKE2b(token), private key)

ALTER TABLE cases
    ADD COLUMN case_public_key     bytea,  -- NULL: a legacy case sealed to the host key
    ADD COLUMN sealed_identity     bytea,  -- sealed to identity_public_key; NULL: anonymous
    ADD COLUMN identity_key_id     text,
    ADD COLUMN identity_public_key bytea;

-- One row per (case, key kind, holder). holder: a staff id, or 'recovery:<key id>'.
CREATE TABLE case_key_wraps (
    case_id        uuid NOT NULL REFERENCES cases (id),
    kind           text NOT NULL CHECK (kind IN ('case', 'identity')),
    holder         text NOT NULL,
    staff_id       uuid,
    holder_key_id  text NOT NULL,
    wrapped        bytea NOT NULL,
    -- why the holder has it: intake (at submission), assignment, grant, recovery, reveal
    via            text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, kind, holder)
);
CREATE INDEX case_key_wraps_staff ON case_key_wraps (staff_id, kind);
