-- Keys belong to people. Intake wraps each new case's key to the people who may open it, so it
-- keeps a projection of staff public keys from staff.changed (public halves only), and each
-- report's case public key (the reporter's follow-ups and evidence are sealed to it).
CREATE TABLE staff_keys (
    staff_id    uuid PRIMARY KEY,
    role        text NOT NULL,
    active      boolean NOT NULL,
    custodian   boolean NOT NULL DEFAULT false,
    public_key  bytea,                 -- X25519 public key; NULL: no key pair yet
    changed_at  timestamptz NOT NULL
);

ALTER TABLE reports ADD COLUMN case_public_key bytea;  -- NULL: a report from before case keys
