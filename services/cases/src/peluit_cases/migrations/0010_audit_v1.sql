-- Issue 12: the audit log moves to `audit.entries` (owned by peluit_cases_audit, made by
-- `python -m peluit_shared.provision`, HMAC-chained under a key outside the database). The
-- first, unkeyed log keeps its rows under this name; the service re-chains them into the new
-- log once, at start-up, when the new log is empty.
ALTER TABLE audit_log RENAME TO audit_log_v1;
