"""The audit log is out of the application role's reach: its own owner role holds it."""

from __future__ import annotations

import asyncpg
import pytest
from relais_cli.migrate import migrate_all
from relais_router.adapters import repository as repo

pytestmark = pytest.mark.integration


async def test_the_application_role_can_append_and_read_but_never_change_or_drop(fresh_database_url):
    applied = await migrate_all(fresh_database_url)
    assert "audit log handed to its owner role" in applied["router"]
    again = await migrate_all(fresh_database_url)  # idempotent
    assert "audit log handed to its owner role" not in again.get("router", [])
    conn = await asyncpg.connect(fresh_database_url)  # the application's role
    try:
        await repo.audit(conn, "agent.test", "conversation.read", None, {"ip": "127.0.0.1"})
        assert await conn.fetchval(
            "SELECT actor FROM router.audit_log WHERE action = 'conversation.read'") == "agent.test"
        for statement in (
            "UPDATE router.audit_log SET actor = 'someone else'",
            "DELETE FROM router.audit_log",
            "TRUNCATE router.audit_log",
            "UPDATE router_audit.audit_log SET actor = 'someone else'",
            "DELETE FROM router_audit.audit_log",
            "TRUNCATE router_audit.audit_log",
            "DROP TABLE router_audit.audit_log",
            "ALTER TABLE router_audit.audit_log DISABLE TRIGGER USER",
            "DROP FUNCTION router_audit.audit_log_is_append_only() CASCADE",
            "DROP SCHEMA router_audit CASCADE",
        ):
            with pytest.raises((asyncpg.InsufficientPrivilegeError,  # noqa: PT012
                                asyncpg.WrongObjectTypeError)):  # the view: no TRUNCATE
                await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM router.audit_log") == 1
    finally:
        await conn.close()
