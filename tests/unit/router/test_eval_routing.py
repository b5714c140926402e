"""`relais eval-routing`: output contract, metrics, and the targets on the committed sets."""

import json
import re
from pathlib import Path

import pytest
from relais_cli import eval_routing
from relais_cli.main import main

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[2] / "data"
SUMMARY = re.compile(
    r"^accuracy=\d\.\d{3} urgent_recall=\d\.\d{3} false_urgent=\d\.\d{3} n=\d+$"
)


def write_cases(tmp_path, rows, blank_lines_before=()):
    lines = []
    for index, row in enumerate(rows):
        if index in blank_lines_before:
            lines.append("")
        lines.append(json.dumps(row, ensure_ascii=False))
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


SMALL = [
    {"channel": "sms", "subject": None, "body": "Je voudrais annuler mon rendez-vous de jeudi",
     "team": "rendez-vous", "urgent": False, "id": "extra fields are ignored"},
    {"channel": "sms", "subject": None, "body": "J'ai une douleur thoracique qui serre",
     "team": "soins", "urgent": True},
    {"channel": "email", "subject": "Facture", "body": "Pouvez-vous m'envoyer la facture ?",
     "team": "ordonnances", "urgent": False, "note": "deliberately mislabelled"},
    {"channel": "sms", "subject": None, "body": "Merci de renouveler mon ordonnance",
     "team": "ordonnances", "urgent": True, "note": "deliberately labelled urgent"},
]


def test_the_table_ends_with_exactly_one_summary_line(tmp_path, capsys):
    path = write_cases(tmp_path, SMALL)
    assert main(["eval-routing", "--cases", str(path)]) == 0
    lines = capsys.readouterr().out.rstrip("\n").splitlines()
    assert SUMMARY.match(lines[-1])
    assert sum(bool(SUMMARY.match(line)) for line in lines) == 1
    assert lines[-1] == "accuracy=0.750 urgent_recall=0.500 false_urgent=0.000 n=4"
    text = "\n".join(lines)
    assert "confusion matrix" in text
    for team in ("rendez-vous", "soins", "ordonnances"):
        assert team in text


def test_json_output_follows_the_contract(tmp_path, capsys):
    path = write_cases(tmp_path, SMALL, blank_lines_before={2})
    assert main(["eval-routing", "--cases", str(path), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {"accuracy": 0.75, "urgent_recall": 0.5,
                                   "false_urgent": 0.0, "n": 4}
    cases = document["cases"]
    assert [c["index"] for c in cases] == [0, 1, 3, 4]  # 0-based lines; line 2 is blank
    assert set(cases[0]) == {"index", "predicted_team", "predicted_urgent", "needs_triage",
                             "confidence"}
    assert cases[0]["predicted_team"] == "rendez-vous" and cases[0]["predicted_urgent"] is False
    assert cases[1]["predicted_team"] == "soins" and cases[1]["predicted_urgent"] is True
    assert all(isinstance(c["confidence"], float) for c in cases)


def test_false_urgent_counts_urgent_predictions_among_calm_cases(tmp_path, capsys):
    rows = [dict(SMALL[1], urgent=False), dict(SMALL[0])]
    main(["eval-routing", "--cases", str(write_cases(tmp_path, rows)), "--json"])
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert summary["false_urgent"] == 0.5
    assert summary["urgent_recall"] == 1.0  # no urgent case: nothing missed


def test_an_unreadable_cases_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"channel": "sms", "body": "x"}\nnot json\n', encoding="utf-8")
    assert main(["eval-routing", "--cases", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_it_runs_the_router_workers_routing_function():
    from relais_router import handlers

    assert eval_routing.route_contact is handlers.route_contact


def test_the_default_run_states_its_cases_and_ends_with_the_summary(capsys):
    assert main(["eval-routing"]) == 0
    out = capsys.readouterr().out
    assert "routing_eval.jsonl" in out and "red_flags_critical.jsonl" in out
    assert "urgent_recall over the set's urgent cases plus the critical" in out
    assert SUMMARY.match(out.rstrip("\n").splitlines()[-1])
    main(["eval-routing", "--json"])
    document = json.loads(capsys.readouterr().out)
    set_size = len(eval_routing.load_cases(DATA / eval_routing.EVAL_SET))
    critical = len(eval_routing.load_cases(DATA / eval_routing.CRITICAL_LIST))
    assert document["summary"]["n"] == set_size + critical == len(document["cases"])
    assert {c["file"] for c in document["cases"]} == {
        str(DATA / eval_routing.EVAL_SET), str(DATA / eval_routing.CRITICAL_LIST)}


def _figures(name):
    cases = eval_routing.load_cases(DATA / name)
    outcomes = [eval_routing.Outcome(c, eval_routing.route_case(c)) for c in cases]
    return cases, eval_routing.summarise(outcomes)


def test_the_committed_evaluation_set_meets_the_targets():
    cases, summary = _figures(eval_routing.EVAL_SET)
    assert len(cases) >= 300
    assert sum(c.urgent for c in cases) >= 30
    assert summary["accuracy"] >= 0.90
    assert summary["urgent_recall"] == 1.0
    assert summary["false_urgent"] <= 0.05


def test_every_critical_red_flag_message_is_urgent():
    cases, summary = _figures(eval_routing.CRITICAL_LIST)
    assert len(cases) >= 60
    assert all(c.urgent and c.team == "soins" for c in cases)
    assert summary["urgent_recall"] == 1.0
    assert summary["accuracy"] == 1.0


def test_the_data_files_are_well_formed():
    for name in (eval_routing.EVAL_SET, eval_routing.CRITICAL_LIST, "routing_holdout.jsonl"):
        path = DATA / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert {"channel", "subject", "body", "team", "urgent"} <= set(row)
            assert row["channel"] in ("sms", "email", "voice", "chat", "other")
            assert row["team"] in eval_routing.TEAMS
            assert isinstance(row["urgent"], bool)


def _triage_rows(part):
    return [json.loads(line) for path in eval_routing.triage_case_files(part)
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_clinical_set_has_the_breadth_the_triage_is_judged_on():
    rows = _triage_rows("all")
    urgent = [r for r in rows if r["urgent"]]
    calm = [r for r in rows if not r["urgent"]]
    assert len(urgent) >= 400 and len(calm) >= 400
    assert len({r["category"] for r in urgent}) >= 20
    assert all(r["team"] == "soins" and r["category"] for r in urgent)
    assert {r["lang"] for r in urgent} >= {"fr", "en"}
    indirect = sum(r["phrasing"] in ("lay", "observer") for r in urgent)
    assert indirect >= len(urgent) / 4
    assert sum(r["form"] == "voicemail" for r in urgent) >= len(urgent) / 5
    assert {r["negative"] for r in calm} >= {"negation", "past_history", "hypothetical",
                                             "relative_past_event", "paperwork_urgent",
                                             "worried_stable"}
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["channel"] in ("sms", "email", "voice", "chat")
        assert r["team"] in eval_routing.TEAMS
        assert (r["form"] == "voicemail") == (r["channel"] == "voice")


def test_a_third_of_the_clinical_set_is_held_out_in_every_category():
    dev, held = _triage_rows("dev"), _triage_rows("holdout")
    assert abs(len(held) / (len(dev) + len(held)) - 1 / 3) < 0.02
    for category in {r["category"] for r in dev if r["urgent"]}:
        assert any(r["category"] == category for r in held)


def test_eval_routing_prints_recall_per_category_and_keeps_the_holdout_to_figures(capsys):
    assert main(["eval-routing", "--triage", "dev"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^stroke_befast\s+\d+\s+\d+\s+\d\.\d{3}", out, re.M)
    assert re.search(r"^voicemail\s+\d+", out, re.M) and re.search(r"^observer\s+\d+", out, re.M)
    assert SUMMARY.match(out.strip().splitlines()[-1])
    assert main(["eval-routing", "--triage", "holdout", "--errors"]) == 2
    assert "figures only" in capsys.readouterr().err
