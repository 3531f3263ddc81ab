-- Notifications for real: projections (staff contacts, cases, reporters' sealed contacts),
-- one delivery row per (event, recipient, channel) recorded before anything is sent, and the
-- staff's in-app inbox. The stub tables of 0001 held nothing worth keeping.
DROP TABLE deliveries;
DROP TABLE notifications;

-- Built only from staff.changed. `email` is NULL when none was given or it was invalid
-- (`email_invalid` flags the latter for the account's owner to fix in cases).
CREATE TABLE staff_contacts (
    staff_id          uuid PRIMARY KEY,
    username          text NOT NULL,
    role              text NOT NULL,
    email             text,
    email_invalid     boolean NOT NULL DEFAULT false,
    active            boolean NOT NULL,
    notification_mode text NOT NULL DEFAULT 'immediate',
    language          text NOT NULL DEFAULT 'id',
    changed_at        timestamptz NOT NULL
);
CREATE INDEX staff_contacts_role ON staff_contacts (role) WHERE active;

-- From case.created / case.assigned: what a notice may name (number) and whom it goes to.
CREATE TABLE cases (
    case_id       uuid PRIMARY KEY,
    report_id     uuid NOT NULL UNIQUE,
    report_number text NOT NULL,
    assignee_id   uuid
);

-- From report.submitted v2: the reporter's address exactly as sealed to our key; opened only
-- at send time, in memory.
CREATE TABLE reporter_contacts (
    report_id      uuid PRIMARY KEY,
    sealed_contact jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- recipient: a staff id, a report id (the reporter) or a webhook's index in the settings.
-- status: pending -> sent | failed; held = waiting for the person's daily digest, then
-- digested (digest_id names the digest delivery that carried it).
CREATE TABLE deliveries (
    id              bigserial PRIMARY KEY,
    event_id        uuid NOT NULL,
    recipient_kind  text NOT NULL,
    recipient       text NOT NULL,
    channel         text NOT NULL,
    kind            text NOT NULL,
    case_id         uuid,
    report_number   text,
    status          text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    digest_id       bigint REFERENCES deliveries (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    UNIQUE (event_id, recipient_kind, recipient, channel)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_held ON deliveries (recipient) WHERE status = 'held';
CREATE INDEX deliveries_status ON deliveries (status, id DESC);

CREATE TABLE inbox (
    id            bigserial PRIMARY KEY,
    delivery_id   bigint NOT NULL UNIQUE REFERENCES deliveries (id),
    staff_id      uuid NOT NULL,
    kind          text NOT NULL,
    case_id       uuid,
    report_number text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    read_at       timestamptz
);
CREATE INDEX inbox_staff ON inbox (staff_id, id DESC);
CREATE INDEX inbox_unread ON inbox (staff_id) WHERE read_at IS NULL;

-- One scheduled digest run per day (Asia/Jakarta date); manual runs are not recorded here.
CREATE TABLE digest_runs (
    run_date date PRIMARY KEY,
    ran_at   timestamptz NOT NULL DEFAULT now()
);
