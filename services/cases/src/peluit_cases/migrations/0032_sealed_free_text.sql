-- Staff free text sealed at rest to the case's public key (issue 11): history notes (transition
-- notes and reasons, assignment reasons), the contact log's party and result, conflict notes.
-- Only a session holding the case key opens them; the plaintext columns stay empty for new rows
-- (legacy cases without a case key keep their old plaintext).
ALTER TABLE case_history ADD COLUMN sealed_note bytea;
ALTER TABLE case_contacts ADD COLUMN sealed bytea;
ALTER TABLE case_conflicts ADD COLUMN sealed_note bytea;
