-- Peluit: one login role and one database per service, as deploy/local/infra.sh sets them up.
-- Run once by the postgres image on an empty data volume (/docker-entrypoint-initdb.d), as the
-- superuser peluit_admin, by psql (>= 15 for \getenv). Passwords come from the container's
-- environment, PELUIT_PG_PASSWORD_<SERVICE>, defaulting to the local stack's peluit-<svc>-dev.
-- Each role owns its database and may connect to that one only.
-- Changing a password later: ALTER ROLE ... PASSWORD ... (this file does not run again).

\set ON_ERROR_STOP on

\getenv pw_intake PELUIT_PG_PASSWORD_INTAKE
\if :{?pw_intake}
\else
  \set pw_intake 'peluit-intake-dev'
\endif
\getenv pw_cases PELUIT_PG_PASSWORD_CASES
\if :{?pw_cases}
\else
  \set pw_cases 'peluit-cases-dev'
\endif
\getenv pw_evidence PELUIT_PG_PASSWORD_EVIDENCE
\if :{?pw_evidence}
\else
  \set pw_evidence 'peluit-evidence-dev'
\endif
\getenv pw_notifications PELUIT_PG_PASSWORD_NOTIFICATIONS
\if :{?pw_notifications}
\else
  \set pw_notifications 'peluit-notifications-dev'
\endif

-- Nobody but the superuser connects to the maintenance databases.
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;

-- intake
SELECT format('CREATE ROLE %I', 'peluit_intake')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peluit_intake')
\gexec
ALTER ROLE peluit_intake WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw_intake';
SELECT format('CREATE DATABASE %I OWNER %I', 'peluit_intake', 'peluit_intake')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'peluit_intake')
\gexec
ALTER DATABASE peluit_intake OWNER TO peluit_intake;
REVOKE ALL ON DATABASE peluit_intake FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE peluit_intake TO peluit_intake;

-- cases
SELECT format('CREATE ROLE %I', 'peluit_cases')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peluit_cases')
\gexec
ALTER ROLE peluit_cases WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw_cases';
SELECT format('CREATE DATABASE %I OWNER %I', 'peluit_cases', 'peluit_cases')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'peluit_cases')
\gexec
ALTER DATABASE peluit_cases OWNER TO peluit_cases;
REVOKE ALL ON DATABASE peluit_cases FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE peluit_cases TO peluit_cases;

-- evidence
SELECT format('CREATE ROLE %I', 'peluit_evidence')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peluit_evidence')
\gexec
ALTER ROLE peluit_evidence WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw_evidence';
SELECT format('CREATE DATABASE %I OWNER %I', 'peluit_evidence', 'peluit_evidence')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'peluit_evidence')
\gexec
ALTER DATABASE peluit_evidence OWNER TO peluit_evidence;
REVOKE ALL ON DATABASE peluit_evidence FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE peluit_evidence TO peluit_evidence;

-- notifications
SELECT format('CREATE ROLE %I', 'peluit_notifications')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'peluit_notifications')
\gexec
ALTER ROLE peluit_notifications WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE
  PASSWORD :'pw_notifications';
SELECT format('CREATE DATABASE %I OWNER %I', 'peluit_notifications', 'peluit_notifications')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'peluit_notifications')
\gexec
ALTER DATABASE peluit_notifications OWNER TO peluit_notifications;
REVOKE ALL ON DATABASE peluit_notifications FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE peluit_notifications TO peluit_notifications;
