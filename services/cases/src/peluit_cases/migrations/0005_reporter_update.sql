-- The reporter clock (ARCHITECTURE §3: tell the reporter something at least every 30 days).
-- Due = the last time the reporter was told something + PELUIT_CASES_REPORTER_UPDATE_DAYS
-- (calendar days); NULL once the case is concluded, not actionable or archived.
ALTER TABLE cases ADD COLUMN reporter_update_due date;

-- Backfill open cases with the default 30 days from the latest of: the case's creation, a
-- message or question to the reporter, a published status change (every status but archived
-- has a public wording).
UPDATE cases c SET reporter_update_due = (
    (greatest(c.created_at,
              (SELECT max(h.at) FROM case_history h
               WHERE h.case_id = c.id
                 AND (h.action IN ('question_sent', 'message_sent')
                      OR (h.action = 'transition' AND h.to_status <> 'archived'))))
     AT TIME ZONE 'UTC')::date + 30)
WHERE c.status NOT IN ('concluded', 'not_actionable', 'archived');

CREATE INDEX cases_reporter_update_open ON cases (reporter_update_due)
    WHERE reporter_update_due IS NOT NULL;
