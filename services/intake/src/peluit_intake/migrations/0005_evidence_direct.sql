-- Files a reporter's API client uploaded straight to the evidence service (with the upload
-- grant from the mailbox) arrive as evidence.stored: intake never saw their name.
ALTER TABLE evidence_forwarded ALTER COLUMN reporter_copy DROP NOT NULL;
