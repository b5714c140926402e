"""The audit log out of the application's reach: a separate owner role holds the table.

The router's migrations run as the application's role, which owns the `router` schema and
could therefore drop anything in it. Run once with a superuser connection (the dev stack's
and the test session's PostgreSQL, compose's migrate job with RELAIS_DATABASE_ADMIN_URL),
this moves the audit log and its append-only trigger function into the `router_audit`
schema owned by the NOLOGIN role `relais_audit_owner`, and leaves the application role
SELECT and INSERT only — through the `router.audit_log` view the code writes to. The
application can then neither UPDATE, DELETE, TRUNCATE, ALTER nor DROP the rows.
"""

from __future__ import annotations

import asyncpg

OWNER_ROLE = "relais_audit_owner"
AUDIT_SCHEMA = "router_audit"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def hand_over_audit_log(admin: asyncpg.Connection, app_role: str) -> bool:
    """Idempotent; True when it moved the table (first run on this database)."""
    app = _ident(app_role)
    async with admin.transaction():
        await admin.execute(f"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
                    CREATE ROLE {OWNER_ROLE} NOLOGIN;
                END IF;
            END $$""")
        moved = await admin.fetchval(
            "SELECT relkind = 'r' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'router' AND c.relname = 'audit_log'")
        if not moved:
            return False
        await admin.execute(f"""
            CREATE SCHEMA IF NOT EXISTS {AUDIT_SCHEMA} AUTHORIZATION {OWNER_ROLE};
            ALTER TABLE router.audit_log SET SCHEMA {AUDIT_SCHEMA};
            ALTER TABLE {AUDIT_SCHEMA}.audit_log OWNER TO {OWNER_ROLE};
            ALTER FUNCTION router.audit_log_is_append_only() SET SCHEMA {AUDIT_SCHEMA};
            ALTER FUNCTION {AUDIT_SCHEMA}.audit_log_is_append_only() OWNER TO {OWNER_ROLE};
            REVOKE ALL ON SCHEMA {AUDIT_SCHEMA} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {AUDIT_SCHEMA} TO {app};
            REVOKE ALL ON {AUDIT_SCHEMA}.audit_log FROM PUBLIC, {app};
            GRANT SELECT, INSERT ON {AUDIT_SCHEMA}.audit_log TO {app};
            GRANT USAGE ON SEQUENCE {AUDIT_SCHEMA}.audit_log_id_seq TO {app};
            CREATE VIEW router.audit_log AS SELECT * FROM {AUDIT_SCHEMA}.audit_log;
            ALTER VIEW router.audit_log OWNER TO {app};
            """)
    return True
