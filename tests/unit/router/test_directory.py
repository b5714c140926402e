"""The directory document: validation with reasons, diffs naming what changed, YAML
export that imports back unchanged."""

from pathlib import Path

import pytest
from pydantic import ValidationError
from relais_router.adapters.directory import parse_yaml, to_yaml
from relais_router.domain.directory import (
    CONTRACT_TEAMS,
    Directory,
    diff_documents,
    with_site,
    with_team,
)

pytestmark = pytest.mark.unit

DEMO_FILE = Path(__file__).resolve().parents[3] / "deploy/directory/demo.yaml"
DEMO = parse_yaml(DEMO_FILE.read_text())


def _errors(excinfo) -> str:
    return " | ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                      for e in excinfo.value.errors())


def test_demo_directory_is_complete_and_realistic():
    site = DEMO.site("demo")
    assert [t.id for t in site.teams] == list(CONTRACT_TEAMS)
    accueil = site.team("accueil")
    assert accueil.hours["mon"] == ["08:00-19:00"] and accueil.hours["sat"] == ["08:00-12:00"]
    assert accueil.hours["sun"] == []
    assert site.team("rendez-vous").overflow == "accueil"
    assert site.team("soins").sla_hours["P1"] == 1
    assert site.on_call is not None and site.on_call.channel == "sms"
    assert all(t.capacity and t.phone_line for t in site.teams)


def test_subdivision_alias_is_stored_as_the_package_code():
    reunion = with_site(DEMO, "demo", {"timezone": "Indian/Reunion",
                                       "holidays": {"country": "fr", "subdivision": "La Réunion"}})
    assert reunion.site("demo").holidays.model_dump() == {"country": "FR", "subdivision": "974"}


@pytest.mark.parametrize("change, message", [
    ({"timezone": "Europe/Atlantis"}, "IANA"),
    ({"holidays": {"country": "FR", "subdivision": "Atlantis"}}, "subdivision"),
    ({"sender_kind": "one_way", "sender_id": None}, "sender_id"),
    ({"sender_id": "TOO-LONG-SENDER-ID"}, "sender_id"),
    ({"sms_from": "0939000000"}, "E.164"),
    ({"on_call": {"channel": "sms", "address": "astreinte@demo.example"}}, "E.164"),
    ({"on_call": {"channel": "pager", "address": "+33939000099"}}, "channel"),
    ({"colour": "blue"}, "Extra inputs"),
])
def test_invalid_site_changes_are_refused_with_a_reason(change, message):
    with pytest.raises(ValidationError) as excinfo:
        with_site(DEMO, "demo", change)
    assert message in _errors(excinfo)


@pytest.mark.parametrize("team, change, message", [
    ("rendez-vous", {"overflow": "radiologie"}, "does not exist"),
    ("accueil", {"overflow": "rendez-vous"}, "circle"),
    ("accueil", {"capacity": 0}, "greater than or equal to 1"),
    ("accueil", {"hours": {"mon": "19:00-08:00"}}, "ends before"),
    ("accueil", {"hours": "always"}, "weekdays"),
    ("accueil", {"sla_hours": {"P1": -1}}, "above 0"),
    ("accueil", {"sla_hours": {"P9": 3}}, "P1"),
    ("accueil", {"channels": []}, "at least one channel"),
    ("accueil", {"channels": ["fax"]}, "sms"),
    ("accueil", {"phone_line": {"kind": "number", "target": "201"}}, "E.164"),
    ("accueil", {"phone_line": {"kind": "sip", "target": "accueil@pbx"}}, "sip:"),
    ("accueil", {"leads": ["admin", "admin"]}, "distinct"),
])
def test_invalid_team_changes_are_refused_with_a_reason(team, change, message):
    with pytest.raises(ValidationError) as excinfo:
        with_team(DEMO, "demo", team, change)
    assert message in _errors(excinfo)


def test_contract_teams_cannot_go_missing():
    document = DEMO.document()
    document["sites"][0]["teams"] = [t for t in document["sites"][0]["teams"]
                                     if t["id"] != "soins"]
    with pytest.raises(ValidationError) as excinfo:
        Directory.model_validate(document)
    assert "missing ['soins']" in _errors(excinfo)


def test_a_team_may_be_added_and_a_team_change_is_a_named_diff():
    changed = with_team(DEMO, "demo", "rendez-vous", {"capacity": 5, "overflow": None})
    assert diff_documents(DEMO.document(), changed.document()) == [
        {"path": "sites.demo.teams.rendez-vous.capacity", "op": "replace", "from": 40, "to": 5},
        {"path": "sites.demo.teams.rendez-vous.overflow", "op": "replace", "from": "accueil",
         "to": None},
    ]
    added = with_team(DEMO, "demo", "vaccination", {"name_fr": "Vaccination",
                                                    "name_en": "Vaccination"})
    (change,) = diff_documents(DEMO.document(), added.document())
    assert change["path"] == "sites.demo.teams.vaccination" and change["op"] == "add"
    assert change["to"]["hours"] is None  # no hours: open around the clock


def test_first_version_diff_adds_everything():
    (change,) = diff_documents(None, DEMO.document())
    assert (change["path"], change["op"]) == ("sites", "add")
    assert change["to"]["demo"]["teams"]["soins"]["sla_hours"]["P1"] == 1  # keyed by id


def test_export_is_readable_yaml_that_imports_back_unchanged():
    exported = to_yaml(12, DEMO)
    assert exported.startswith("# Relais service directory, version 12")
    assert "hours: {mon-fri: '08:00-19:00', sat: '08:00-12:00'}" in exported
    assert parse_yaml(exported) == DEMO
    assert diff_documents(DEMO.document(), parse_yaml(exported).document()) == []
