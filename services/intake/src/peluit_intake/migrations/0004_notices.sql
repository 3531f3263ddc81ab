-- Whether the reporter left an address for notices. The address itself is never here: it was
-- sealed to the notifications service's key and left in report.submitted (v2).
ALTER TABLE reports ADD COLUMN notices_by_email boolean NOT NULL DEFAULT false;
