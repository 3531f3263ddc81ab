-- Cases: one per report. The report stays sealed (ciphertext) and is opened only to show it.
CREATE TABLE cases (
    id             uuid PRIMARY KEY,
    report_id      uuid NOT NULL UNIQUE,
    report_number  text NOT NULL UNIQUE,
    status         text NOT NULL,
    channel        text NOT NULL,
    category       text NOT NULL,
    anonymous      boolean NOT NULL,
    sealed_key_id  text NOT NULL,
    sealed_report  bytea NOT NULL,
    received_at    timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        integer NOT NULL DEFAULT 1
);
CREATE INDEX cases_created_keyset ON cases (created_at DESC, id DESC);
CREATE INDEX cases_status_created ON cases (status, created_at DESC, id DESC);

CREATE TABLE case_history (
    id          bigserial PRIMARY KEY,
    case_id     uuid NOT NULL REFERENCES cases (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,            -- 'system' or a staff user id
    action      text NOT NULL,
    from_status text,
    to_status   text,
    note        text
);
CREATE INDEX case_history_case ON case_history (case_id, id);

CREATE TABLE staff_users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'coordinator', 'handler', 'viewer')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_sessions (
    token_hash  bytea PRIMARY KEY,        -- SHA-256 of the bearer token; the token is never stored
    user_id     uuid NOT NULL REFERENCES staff_users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);
