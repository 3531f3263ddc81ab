-- Identity access requests (issue 11): a case team member asks, with a reason, and a DIFFERENT
-- person holding the custodian permission approves; approval wraps the identity key to the
-- requester. The reason is sealed to the case's identity key: custodians (who hold it) read it.
CREATE TABLE identity_requests (
    id            uuid PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (id),
    requested_by  uuid NOT NULL REFERENCES staff_users (id),
    reason_key_id text NOT NULL,
    sealed_reason bytea NOT NULL,
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by    uuid REFERENCES staff_users (id),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    decided_at    timestamptz
);
CREATE UNIQUE INDEX identity_requests_one_open
    ON identity_requests (case_id, requested_by) WHERE status = 'pending';
CREATE INDEX identity_requests_pending ON identity_requests (requested_at) WHERE status = 'pending';
