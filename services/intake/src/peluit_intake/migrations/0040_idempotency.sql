-- Idempotent submissions (Idempotency-Key on the API, a one-time token on the portal form).
-- Nothing here opens without the client's key: `lookup` is an HMAC of the key under the
-- receipt pepper, `body_check` a MAC of the body under a key derived from the client's key,
-- and `sealed_answer` the first answer (report number + receipt) under another derived key.
CREATE TABLE idempotent_requests (
    scope         text NOT NULL,
    lookup        bytea NOT NULL,
    body_check    bytea NOT NULL,
    sealed_answer bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, lookup)
);
CREATE INDEX idempotent_requests_age ON idempotent_requests (created_at);
