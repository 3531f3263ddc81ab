"""The cases audit log's storage, set up by the database admin (never by the service's role).

`audit.entries` and its append-only triggers belong to `peluit_cases_audit`, a role nobody logs
in as. `peluit_cases` may read the entries and call `audit.append(...)`, a SECURITY DEFINER
function that inserts the next entry of the chain (the next id, chained to the current head) and
nothing else; it cannot update, delete, truncate, or disable the triggers (only the table's
owner or a superuser may). The entries' MACs are computed by the service under a key the
database does not hold, so even the superuser cannot rewrite them unnoticed (`verify-audit`).
Idempotent: run by `python -m peluit_shared.provision` on every deploy.
"""

from __future__ import annotations

import asyncpg

AUDIT_OWNER = "peluit_cases_audit"
SERVICE_ROLE = "peluit_cases"
CHAIN_LOCK = 0x0A_0D17  # the advisory lock the service takes too (audit_repo)
GENESIS_HEX = "\\x" + "00" * 32

SETUP_SQL = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{AUDIT_OWNER}') THEN
        CREATE ROLE {AUDIT_OWNER} NOLOGIN;
    END IF;
END $$;
ALTER ROLE {AUDIT_OWNER} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
CREATE SCHEMA IF NOT EXISTS audit AUTHORIZATION {AUDIT_OWNER};
ALTER SCHEMA audit OWNER TO {AUDIT_OWNER};
REVOKE ALL ON SCHEMA audit FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO {SERVICE_ROLE};

CREATE TABLE IF NOT EXISTS audit.entries (
    id       bigint PRIMARY KEY,
    at       timestamptz NOT NULL,
    actor    text NOT NULL,
    action   text NOT NULL,
    case_id  uuid,
    detail   jsonb NOT NULL,
    prev_mac bytea NOT NULL,
    mac      bytea NOT NULL
);
ALTER TABLE audit.entries OWNER TO {AUDIT_OWNER};
CREATE INDEX IF NOT EXISTS entries_case ON audit.entries (case_id, id);
REVOKE ALL ON audit.entries FROM PUBLIC;
GRANT SELECT ON audit.entries TO {SERVICE_ROLE};

CREATE OR REPLACE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit.entries is append-only';
END $$;
ALTER FUNCTION audit.refuse_change() OWNER TO {AUDIT_OWNER};
DROP TRIGGER IF EXISTS entries_no_update ON audit.entries;
CREATE TRIGGER entries_no_update BEFORE UPDATE OR DELETE ON audit.entries
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
DROP TRIGGER IF EXISTS entries_no_truncate ON audit.entries;
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON audit.entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

CREATE OR REPLACE FUNCTION audit.append(
    p_id bigint, p_at timestamptz, p_actor text, p_action text, p_case_id uuid,
    p_detail jsonb, p_prev_mac bytea, p_mac bytea
) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    head_id bigint;
    head_mac bytea;
BEGIN
    PERFORM pg_advisory_xact_lock({CHAIN_LOCK});
    SELECT e.id, e.mac INTO head_id, head_mac FROM audit.entries e ORDER BY e.id DESC LIMIT 1;
    IF p_id <> coalesce(head_id, 0) + 1
       OR p_prev_mac IS DISTINCT FROM coalesce(head_mac, '{GENESIS_HEX}'::bytea)
       OR length(p_mac) <> 32 THEN
        RAISE EXCEPTION 'audit.append: not the next entry of the chain';
    END IF;
    INSERT INTO audit.entries (id, at, actor, action, case_id, detail, prev_mac, mac)
        VALUES (p_id, p_at, p_actor, p_action, p_case_id, p_detail, p_prev_mac, p_mac);
END $$;
ALTER FUNCTION audit.append(bigint, timestamptz, text, text, uuid, jsonb, bytea, bytea)
    OWNER TO {AUDIT_OWNER};
REVOKE ALL ON FUNCTION audit.append(bigint, timestamptz, text, text, uuid, jsonb, bytea, bytea)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.append(bigint, timestamptz, text, text, uuid, jsonb, bytea, bytea)
    TO {SERVICE_ROLE};
"""  # noqa: S608 - constants only


async def ensure_cases_audit(admin_dsn: str) -> None:
    """Create or update the audit schema in the cases database (connect as the admin)."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        async with conn.transaction():
            # Two provisions at once must not race on CREATE ... IF NOT EXISTS.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", CHAIN_LOCK + 1)
            await conn.execute(SETUP_SQL)
    finally:
        await conn.close()
