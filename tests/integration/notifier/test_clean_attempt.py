"""The one-statement send (`ledger.take_clean_attempts`) on real PostgreSQL: it takes the
lease and the attempt only when nothing stands in the way, and leaves every other case to
the careful path untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from relais_notifier.adapters import ledger, suppressions
from relais_notifier.adapters.ledger import NewNotification
from relais_notifier.domain.templates import HELP_REPLY
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.support import SMS_FROM

pytestmark = pytest.mark.integration
OWNER, OTHER, MAX = "me", "another-replica", 3
EXEMPT = frozenset({HELP_REPLY})


async def row(db, *, kind: str = "ack", expires_at: datetime | None = None,
              address: str | None = None) -> str:
    new = NewNotification(
        notification_id=new_id(), dedupe_key=f"{kind}:{new_id()}", site_id="demo",
        conversation_id=new_id(), correlation_id=new_id(), kind=kind, channel="sms",
        address=address or unique_phone(), sender=SMS_FROM, lang="fr", body="Relais: test",
        expires_at=expires_at,
    )
    async with db.acquire() as conn:
        await ledger.insert(conn, new, "sending")
    return new.notification_id


async def take(db, nid: str, owner: str = OWNER):
    async with db.acquire() as conn:
        return (await ledger.take_clean_attempts(conn, [nid], owner, 25.0, MAX, EXEMPT)).get(nid)


async def test_a_clean_row_is_leased_and_marked_in_doubt_before_the_post(db):
    nid = await row(db)
    taken = await take(db, nid)
    assert taken is not None and taken.attempts == 1 and taken.in_doubt
    stored = await db.fetchrow("SELECT * FROM notifier.notifications WHERE notification_id = $1",
                               nid)
    assert stored["lease_owner"] == OWNER and stored["lease_until"] is not None
    assert await take(db, nid, OTHER) is None  # in doubt and leased: never a second POST


async def test_anything_in_the_way_leaves_the_row_untouched_for_the_careful_path(db):
    suppressed = unique_phone()
    async with db.acquire() as conn:
        await suppressions.record(conn, "demo", suppressed, suppressed=True, reason="opt_out",
                                  changed_at=datetime.now(UTC))
    cases = {
        "suppressed": await row(db, address=suppressed),
        "expired": await row(db, expires_at=datetime.now(UTC) - timedelta(minutes=1)),
        "leased": await row(db),
        "exhausted": await row(db),
        "in_doubt": await row(db),
    }
    await db.execute("UPDATE notifier.notifications SET lease_owner = $2,"
                     " lease_until = now() + interval '1 minute' WHERE notification_id = $1",
                     cases["leased"], OTHER)
    await db.execute("UPDATE notifier.notifications SET attempts = $2 WHERE notification_id = $1",
                     cases["exhausted"], MAX)
    await db.execute("UPDATE notifier.notifications SET in_doubt = true WHERE notification_id = $1",
                     cases["in_doubt"])
    before = {name: dict(await db.fetchrow(
        "SELECT attempts, in_doubt, lease_owner FROM notifier.notifications"
        " WHERE notification_id = $1", nid)) for name, nid in cases.items()}
    for name, nid in cases.items():
        assert await take(db, nid) is None, name
        after = dict(await db.fetchrow(
            "SELECT attempts, in_doubt, lease_owner FROM notifier.notifications"
            " WHERE notification_id = $1", nid))
        assert after == before[name], name


async def test_an_exempt_kind_goes_to_a_suppressed_address(db):
    address = unique_phone()
    async with db.acquire() as conn:
        await suppressions.record(conn, "demo", address, suppressed=True, reason="opt_out",
                                  changed_at=datetime.now(UTC))
    assert await take(db, await row(db, kind=HELP_REPLY, address=address)) is not None
