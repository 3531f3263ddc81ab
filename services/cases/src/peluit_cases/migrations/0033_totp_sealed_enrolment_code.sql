-- TOTP secrets sealed to the account's own public key (so opened only with the private key the
-- password unlocks): stored as 'sealed:' || base64. Older plaintext secrets are sealed at the
-- next sign-in. First enrolment and re-enrolment need a one-time code an administrator gives
-- (Argon2id hash here, expires), not the password alone.
ALTER TABLE staff_users
    ADD COLUMN enrol_code_hash text,
    ADD COLUMN enrol_code_expires timestamptz;
