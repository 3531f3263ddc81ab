-- In-app notifications for staff and the delivery log of messages sent.
CREATE TABLE notifications (
    id             bigserial PRIMARY KEY,
    event_id       uuid NOT NULL UNIQUE,
    audience       text NOT NULL,            -- 'staff' (all), later a role or user
    kind           text NOT NULL,
    report_number  text,
    title          text NOT NULL,
    title_en       text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    read_at        timestamptz
);
CREATE INDEX notifications_unread ON notifications (audience, created_at DESC) WHERE read_at IS NULL;

CREATE TABLE deliveries (
    id           bigserial PRIMARY KEY,
    notification_id bigint REFERENCES notifications (id),
    channel      text NOT NULL,             -- 'email'
    status       text NOT NULL,             -- 'sent', 'failed'
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
