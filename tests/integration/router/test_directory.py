"""The service directory on real PostgreSQL: seeded only into an empty database, then
changed by `relais directory import --replace` and the admin API, every change a new
version with an audit row."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import SimpleNamespace

import asyncpg
import httpx
import orjson
import pytest
import yaml
from relais_cli import directory as cli
from relais_cli.migrate import migrate_all
from relais_cli.stack import prepare_database
from relais_router.adapters.seed import DEFAULT_DIRECTORY, seed_directory
from relais_router.adapters.directory import DirectoryCache
from relais_router.api.app import create_app
from relais_router.commands import InboxContext
from relais_router.settings import RouterSettings
from relais_shared.db import create_pool

pytestmark = pytest.mark.integration


@pytest.fixture
async def seeded(fresh_database_url, tmp_path):
    credentials = await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    conn = await asyncpg.connect(fresh_database_url)
    yield fresh_database_url, conn, credentials
    await conn.close()


@pytest.fixture
async def api(seeded):
    url, _, credentials = seeded
    settings = RouterSettings(database_url=url)
    pool = await create_pool(url, max_size=4)
    app = create_app(SimpleNamespace(settings=settings, pool=pool, producer=None,
                                     inbox=InboxContext(pool, DirectoryCache())))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
        client.headers["Authorization"] = f"Bearer {settings.admin_token}"
        passwords = {line.split("\t")[0]: line.split("\t")[2] for line in credentials}
        client.passwords = passwords  # type: ignore[attr-defined]
        yield client
    await pool.close()


async def _versions(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT version, actor, action, changes FROM router.directory_versions ORDER BY version"
    )


async def _audit(conn: asyncpg.Connection, action: str) -> list[dict]:
    rows = await conn.fetch(
        "SELECT actor, details FROM router.audit_log WHERE action = $1 ORDER BY id", action
    )
    return [{"actor": r["actor"], **orjson.loads(r["details"])} for r in rows]


def _demo_document() -> dict:
    return yaml.safe_load(DEFAULT_DIRECTORY.read_text())


def _write(tmp_path: Path, document: dict, name: str = "directory.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return path


async def test_the_yaml_seeds_only_an_empty_database(seeded, tmp_path):
    url, conn, _ = seeded
    (version,) = await _versions(conn)
    assert (version["version"], version["action"], version["actor"]) == (1, "seed", "seed")
    assert await _audit(conn, "directory.seed") == [
        {"actor": "seed", "version": 1, "changes": orjson.loads(version["changes"])}
    ]
    hours = await conn.fetchval(
        "SELECT hours FROM router.teams WHERE site_id = 'demo' AND id = 'accueil'")
    assert orjson.loads(hours)["sat"] == ["08:00-12:00"]

    # Another file, or the stack starting again, leaves the database's directory alone.
    other = _demo_document()
    other["sites"][0]["teams"][0]["capacity"] = 3
    assert await seed_directory(conn, _write(tmp_path, other)) is False
    await prepare_database(url, tmp_path / "creds.txt")
    assert len(await _versions(conn)) == 1
    assert await conn.fetchval(
        "SELECT capacity FROM router.teams WHERE site_id = 'demo' AND id = 'accueil'") == 60


async def test_a_directory_loaded_before_versions_existed_gets_a_baseline(fresh_database_url):
    await migrate_all(fresh_database_url)
    conn = await asyncpg.connect(fresh_database_url)
    try:
        await conn.execute("INSERT INTO router.sites (id, name, sms_from) VALUES"
                           " ('old', 'Ancien centre', '+33939000001')")
        for team in _demo_document()["sites"][0]["teams"]:
            await conn.execute("INSERT INTO router.teams (site_id, id, name_fr, name_en)"
                               " VALUES ('old', $1, $2, $3)",
                               team["id"], team["name_fr"], team["name_en"])
        assert await seed_directory(conn) is False
        (version,) = await _versions(conn)
        assert (version["version"], version["action"]) == (1, "baseline")
        snapshot = orjson.loads(await conn.fetchval(
            "SELECT snapshot FROM router.directory_versions WHERE version = 1"))
        assert [s["id"] for s in snapshot["sites"]] == ["old"]
        assert snapshot["sites"][0]["teams"][0]["hours"] is None  # open around the clock
    finally:
        await conn.close()


async def test_import_replace_is_a_new_audited_version_and_export_round_trips(
    seeded, tmp_path, capsys
):
    url, conn, _ = seeded
    changed = _demo_document()
    changed["sites"][0]["on_call"]["address"] = "+33939000088"
    changed["sites"][0]["teams"][1]["capacity"] = 12  # rendez-vous
    path = _write(tmp_path, changed)

    assert await cli.import_file(url, path, replace=False) == 1  # never over a directory
    assert "use --replace" in capsys.readouterr().err
    assert len(await _versions(conn)) == 1

    assert await cli.import_file(url, path, replace=True) == 0
    out = capsys.readouterr().out
    assert out.startswith("directory version 2: 2 change(s)")
    version = (await _versions(conn))[-1]
    assert (version["version"], version["action"]) == (2, "import")
    assert version["actor"].startswith("cli")
    paths = {c["path"] for c in orjson.loads(version["changes"])}
    assert paths == {"sites.demo.on_call.address", "sites.demo.teams.rendez-vous.capacity"}
    (audit,) = await _audit(conn, "directory.import")
    assert audit["version"] == 2 and {c["path"] for c in audit["changes"]} == paths
    assert await conn.fetchval(
        "SELECT capacity FROM router.teams WHERE site_id = 'demo' AND id = 'rendez-vous'") == 12

    assert await cli.export(url) == 0
    exported = capsys.readouterr().out
    assert exported.startswith("# Relais service directory, version 2")
    assert yaml.safe_load(exported)["sites"][0]["teams"][1]["capacity"] == 12
    # What export prints, import --replace takes back: a new version with nothing changed.
    assert await cli.import_file(url, _write(tmp_path, yaml.safe_load(exported), "x.yaml"),
                                 replace=True) == 0
    last = (await _versions(conn))[-1]
    assert last["version"] == 3 and orjson.loads(last["changes"]) == []


async def test_import_refuses_invalid_files_and_dropping_a_site_in_use(seeded, tmp_path, capsys):
    url, conn, _ = seeded
    invalid = _demo_document()
    invalid["sites"][0]["teams"][0]["hours"] = {"mon": "19:00-08:00"}
    assert await cli.import_file(url, _write(tmp_path, invalid), replace=True) == 1
    assert "ends before it starts" in capsys.readouterr().err
    other_site = _demo_document()
    other_site["sites"][0]["id"] = "ailleurs"
    assert await cli.import_file(url, _write(tmp_path, other_site), replace=True) == 1
    assert "keep it in the directory" in capsys.readouterr().err
    assert len(await _versions(conn)) == 1
    assert await conn.fetchval("SELECT count(*) FROM router.sites") == 1


async def test_relais_directory_export_command(seeded):
    url, _, _ = seeded
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "relais_cli.main", "directory", "export", "--database-url", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert yaml.safe_load(stdout)["sites"][0]["id"] == "demo"


async def test_admin_api_reads_changes_and_versions_the_directory(api, seeded):
    _, conn, _ = seeded
    current = (await api.get("/v1/directory")).json()
    assert current["version"] == 1 and current["sites"][0]["id"] == "demo"

    answer = await api.put("/v1/directory/sites/demo/teams/rendez-vous",
                           json={"capacity": 5, "hours": {"mon-fri": "09:00-17:00"}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["version"] == 2
    assert body["team"]["capacity"] == 5 and body["team"]["hours"]["sat"] == []
    assert {c["path"] for c in body["changes"]} == {
        "sites.demo.teams.rendez-vous.capacity", "sites.demo.teams.rendez-vous.hours.mon",
        "sites.demo.teams.rendez-vous.hours.tue", "sites.demo.teams.rendez-vous.hours.wed",
        "sites.demo.teams.rendez-vous.hours.thu", "sites.demo.teams.rendez-vous.hours.fri",
        "sites.demo.teams.rendez-vous.hours.sat"}
    assert await conn.fetchval(
        "SELECT capacity FROM router.teams WHERE site_id = 'demo' AND id = 'rendez-vous'") == 5
    (audit,) = await _audit(conn, "directory.update")
    # the static development token acts as the `admin` user: the row names a person
    assert audit["actor"] == "admin" and audit["version"] == 2

    on_call = {"on_call": {"channel": "email", "address": "astreinte@demo.example"}}
    answer = await api.put("/v1/directory/sites/demo", json=on_call)
    assert answer.status_code == 200 and answer.json()["site"]["on_call"]["channel"] == "email"

    versions = (await api.get("/v1/directory/versions")).json()["items"]
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[0]["changes"][0]["path"].startswith("sites.demo.on_call")
    old = (await api.get("/v1/directory/versions/1")).json()
    assert old["directory"]["sites"][0]["teams"][1]["capacity"] == 40
    assert (await api.get("/v1/directory/versions/99")).status_code == 404

    added = await api.put("/v1/directory/sites/demo/teams/vaccination",
                          json={"name_fr": "Vaccination", "name_en": "Vaccination"})
    assert added.status_code == 200 and added.json()["version"] == 4
    # The same change again changes nothing and makes no version.
    again = await api.put("/v1/directory/sites/demo/teams/rendez-vous", json={"capacity": 5})
    assert again.json()["version"] == 4 and again.json()["changes"] == []


@pytest.mark.parametrize("body, where", [
    ({"hours": {"mon": "19:00-08:00"}}, "hours"),
    ({"capacity": 0}, "capacity"),
    ({"overflow": "radiologie"}, "sites"),
    ({"overflow": "rendez-vous"}, "sites"),  # accueil -> rendez-vous -> accueil
    ({"sla_hours": {"P1": "soon"}}, "sla_hours"),
    ({"colour": "blue"}, "colour"),
])
async def test_admin_api_refuses_invalid_changes_with_a_problem(api, seeded, body, where):
    _, conn, _ = seeded
    answer = await api.put("/v1/directory/sites/demo/teams/accueil", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("/validation-error")
    assert any(where in ".".join(e["loc"]) for e in problem["errors"]), problem
    assert len(await _versions(conn)) == 1


async def test_admin_api_bad_requests_and_unknown_sites(api):
    sent = await api.put("/v1/directory/sites/demo/teams/accueil", content=b"{",
                         headers={"Content-Type": "application/json"})
    assert sent.status_code == 400
    sent = await api.put("/v1/directory/sites/demo/teams/accueil", content=b"capacity=3",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert sent.status_code == 415
    assert (await api.put("/v1/directory/sites/nowhere/teams/accueil",
                          json={"capacity": 3})).status_code == 404


async def test_only_admins_may_use_the_directory_api(api, seeded):
    _, conn, _ = seeded
    login = await api.post("/v1/auth/login", json={
        "username": "agent.accueil", "password": api.passwords["agent.accueil"]})
    agent = {"Authorization": f"Bearer {login.json()['access_token']}"}
    for method, path, body in [("GET", "/v1/directory", None),
                               ("GET", "/v1/directory/versions", None),
                               ("PUT", "/v1/directory/sites/demo/teams/accueil", {"capacity": 0}),
                               ("PUT", "/v1/directory/sites/demo", {"name": "x"})]:
        answer = await api.request(method, path, json=body, headers=agent)
        assert answer.status_code == 404, (path, answer.text)  # before the body is looked at
        assert answer.headers["content-type"] == "application/problem+json"
        anonymous = await api.request(method, path, json=body, headers={"Authorization": ""})
        assert anonymous.status_code == 401
    assert len(await _versions(conn)) == 1
