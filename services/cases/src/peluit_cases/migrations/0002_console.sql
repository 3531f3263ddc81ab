-- Issue 4: workflow, assignment, mailbox, contact log, deadlines, TOTP, lockout, audit chain.
ALTER TABLE cases
    ADD COLUMN reporter_public_key text,
    ADD COLUMN assignee_id uuid,
    ADD COLUMN stage text,
    ADD COLUMN stage_started_on date,
    ADD COLUMN due_on date,
    ADD COLUMN outcome text,
    ADD COLUMN closed_at timestamptz;
CREATE INDEX cases_assignee_created ON cases (assignee_id, created_at DESC, id DESC);
CREATE INDEX cases_category_created ON cases (category, created_at DESC, id DESC);
CREATE INDEX cases_channel_created ON cases (channel, created_at DESC, id DESC);
CREATE INDEX cases_due_open ON cases (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX cases_received ON cases (received_at DESC, id DESC);
CREATE INDEX cases_number_pattern ON cases (report_number text_pattern_ops);

ALTER TABLE staff_users
    ADD COLUMN email text,
    ADD COLUMN totp_secret text,
    ADD COLUMN totp_confirmed boolean NOT NULL DEFAULT false,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
    ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
    ADD COLUMN first_failed_at timestamptz,
    ADD COLUMN locked_until timestamptz,
    ADD COLUMN can_reveal boolean NOT NULL DEFAULT false;

-- 'full' sessions may act; 'enrol' sessions (password right, TOTP not yet set up) may only enrol.
ALTER TABLE staff_sessions
    ADD COLUMN scope text NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'enrol'));

-- Messages both ways; the text is sealed to the cases key (the copy for the reporter travels
-- sealed to the reporter's key in case.message_to_reporter).
CREATE TABLE case_messages (
    id            uuid PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (id),
    direction     text NOT NULL CHECK (direction IN ('to_reporter', 'from_reporter')),
    kind          text NOT NULL,
    in_reply_to   uuid,
    sealed_key_id text NOT NULL,
    sealed_text   bytea NOT NULL,
    author        text NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    answered_at   timestamptz
);
CREATE INDEX case_messages_case ON case_messages (case_id, at);

-- Contact log and follow-up records (seed: every confirmation and follow-up is documented).
CREATE TABLE case_contacts (
    id        bigserial PRIMARY KEY,
    case_id   uuid NOT NULL REFERENCES cases (id),
    kind      text NOT NULL CHECK (kind IN ('contact', 'followup')),
    on_date   date NOT NULL,
    channel   text NOT NULL,
    party     text NOT NULL,
    result    text NOT NULL,
    actor     text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_contacts_case ON case_contacts (case_id, id);

CREATE TABLE case_conflicts (
    case_id   uuid NOT NULL REFERENCES cases (id),
    staff_id  uuid NOT NULL REFERENCES staff_users (id),
    note      text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, staff_id)
);

CREATE TABLE case_stage_times (
    case_id    uuid NOT NULL REFERENCES cases (id),
    status     text NOT NULL,
    entered_at timestamptz NOT NULL,
    left_at    timestamptz
);
CREATE INDEX case_stage_times_case ON case_stage_times (case_id, entered_at);

-- One case.deadline_due per (case, stage, state): the notice table makes it idempotent.
CREATE TABLE deadline_notices (
    case_id uuid NOT NULL REFERENCES cases (id),
    stage   text NOT NULL,
    due_on  date NOT NULL,
    state   text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, stage, due_on, state)
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical JSON of the entry).
CREATE TABLE audit_log (
    id        bigint PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL,
    case_id   uuid,
    detail    jsonb NOT NULL,
    prev_hash bytea NOT NULL,
    hash      bytea NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
