"""`relais eval-routing`: routing quality on labelled messages, through the worker's domain code.

Each case is routed by `relais_router.domain.routing.route_contact` — the function the
router worker calls for a new conversation — without Kafka or a database.

Figures: accuracy (predicted team == labelled team), urgent recall (labelled urgent and
predicted urgent / labelled urgent), false-urgent rate (predicted urgent among cases
labelled not urgent / cases labelled not urgent).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from relais_router.domain.routing import (
    CONFIDENCE_THRESHOLD,
    RULES_VERSION,
    TEAMS,
    RoutingDecision,
    RoutingInput,
    route_contact,
)

_REPO_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
EVAL_SET = "routing_eval.jsonl"
CRITICAL_LIST = "red_flags_critical.jsonl"
TRIAGE_SET = "triage"  # the clinical evaluation set: triage/dev/*.jsonl, triage/holdout/*.jsonl
TRIAGE_PARTS = ("dev", "holdout")
_SHORT = {"accueil": "acc", "rendez-vous": "rdv", "ordonnances": "ord", "resultats": "res",
          "facturation": "fac", "soins": "soi", "relations-patients": "rel"}


class CasesError(ValueError):
    """A cases file that cannot be read as labelled JSONL."""


@dataclass(frozen=True)
class Case:
    file: str
    index: int  # 0-based line number in the file
    channel: str
    subject: str | None
    body: str | None
    team: str
    urgent: bool
    # the clinical set's labels (absent elsewhere)
    category: str | None = None  # the clinical category of an urgent case
    negative: str | None = None  # the kind of hard non-urgent case
    form: str | None = None  # sms, chat, email, email_quoted, reply_to_automated, voicemail
    phrasing: str | None = None  # named, lay, observer
    lang: str | None = None


@dataclass(frozen=True)
class Outcome:
    case: Case
    decision: RoutingDecision

    @property
    def correct(self) -> bool:
        return self.decision.team == self.case.team


def _data_dir() -> Path:
    return _REPO_DATA if _REPO_DATA.is_dir() else Path.cwd() / "tests" / "data"


def default_case_files() -> list[Path]:
    """The committed evaluation set and critical red-flag list."""
    return [_data_dir() / EVAL_SET, _data_dir() / CRITICAL_LIST]


def triage_case_files(part: str) -> list[Path]:
    """The clinical evaluation set's files: its development part, its held-out part, or both."""
    parts = TRIAGE_PARTS if part == "all" else (part,)
    return sorted(p for name in parts for p in (_data_dir() / TRIAGE_SET / name).glob("*.jsonl"))


def load_cases(path: Path) -> list[Case]:
    """Labelled cases, one JSON object a line; blank lines are skipped, extra fields ignored."""
    cases = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CasesError(f"{path}: {exc.strerror or exc}") from exc
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CasesError(f"{path}:{index + 1}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or "team" not in row or "urgent" not in row:
            raise CasesError(f"{path}:{index + 1}: needs at least team and urgent")
        cases.append(Case(
            file=str(path), index=index, channel=str(row.get("channel") or "other"),
            subject=row.get("subject"), body=row.get("body"), team=str(row["team"]),
            urgent=_as_bool(row["urgent"]), category=row.get("category"),
            negative=row.get("negative"), form=row.get("form"), phrasing=row.get("phrasing"),
            lang=row.get("lang"),
        ))
    return cases


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "oui")
    return bool(value)


def route_case(case: Case) -> RoutingDecision:
    """Route one case as the worker would route a new contact."""
    kind = "voicemail" if case.channel == "voice" else "message"
    return route_contact(RoutingInput(channel=case.channel, kind=kind, subject=case.subject,
                                      text=case.body))


def summarise(outcomes: list[Outcome], scored: list[Outcome] | None = None) -> dict[str, Any]:
    """Figures over `outcomes`; accuracy and false-urgent over `scored` when given (the
    default run scores them on the evaluation set and uses the critical list for recall)."""
    n = len(outcomes)
    scored = outcomes if scored is None else scored
    urgent = [o for o in outcomes if o.case.urgent]
    calm = [o for o in scored if not o.case.urgent]
    return {
        "accuracy": round(sum(o.correct for o in scored) / len(scored), 3) if scored else 0.0,
        "urgent_recall": round(sum(o.decision.urgent for o in urgent) / len(urgent), 3)
        if urgent else 1.0,
        "false_urgent": round(sum(o.decision.urgent for o in calm) / len(calm), 3)
        if calm else 0.0,
        "n": n,
    }


def _summary_line(summary: dict[str, Any]) -> str:
    return (f"accuracy={summary['accuracy']:.3f} urgent_recall={summary['urgent_recall']:.3f} "
            f"false_urgent={summary['false_urgent']:.3f} n={summary['n']}")


def _print_table(outcomes: list[Outcome], files: list[Path], default: bool, show_errors: bool,
                 out: TextIO) -> None:
    names = ", ".join(f"{p} ({sum(o.case.file == str(p) for o in outcomes)})" for p in files)
    print(f"Routing evaluation: {names}", file=out)
    if default:
        print("  default run: accuracy and false_urgent over the evaluation set; urgent_recall over "
              "the set's urgent cases plus the critical red-flag list; n counts both files.",
              file=out)
    print(f"  rules {RULES_VERSION}, confidence threshold {CONFIDENCE_THRESHOLD}", file=out)
    print(file=out)

    labels = list(TEAMS) + sorted({o.case.team for o in outcomes} - set(TEAMS))
    print(f"{'team':<20}{'n':>5}{'correct':>9}{'accuracy':>10}{'triage':>8}", file=out)
    for team in labels:
        rows = [o for o in outcomes if o.case.team == team]
        if not rows:
            continue
        correct = sum(o.correct for o in rows)
        triage = sum(o.decision.needs_triage for o in rows)
        print(f"{team:<20}{len(rows):>5}{correct:>9}{correct / len(rows):>10.3f}{triage:>8}",
              file=out)
    print(file=out)

    print(f"{'cases file':<48}{'n':>5}{'accuracy':>10}{'urgent_recall':>15}{'false_urgent':>14}",
          file=out)
    for path in files:
        summary = summarise([o for o in outcomes if o.case.file == str(path)])
        print(f"{str(path)[-48:]:<48}{summary['n']:>5}{summary['accuracy']:>10.3f}"
              f"{summary['urgent_recall']:>15.3f}{summary['false_urgent']:>14.3f}", file=out)
    urgent_cases = sum(o.case.urgent for o in outcomes)
    missed = sum(o.case.urgent and not o.decision.urgent for o in outcomes)
    print(f"urgent cases {urgent_cases}, missed {missed}; "
          f"needs triage {sum(o.decision.needs_triage for o in outcomes)}", file=out)
    print(file=out)

    predicted = labels + sorted({o.decision.team for o in outcomes} - set(labels))
    matrix: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        matrix[o.case.team][o.decision.team] += 1
    print("confusion matrix (rows: labelled team, columns: predicted team)", file=out)
    print(f"{'':<20}" + "".join(f"{_SHORT.get(t, t[:3]):>5}" for t in predicted), file=out)
    for team in labels:
        if matrix.get(team):
            print(f"{team:<20}" + "".join(f"{matrix[team][t]:>5}" for t in predicted), file=out)
    if show_errors:
        print(file=out)
        print("misrouted or missed:", file=out)
        for o in outcomes:
            if o.correct and o.case.urgent == o.decision.urgent:
                continue
            text = " ".join(f"{o.case.subject or ''} {o.case.body or ''}".split())[:110]
            print(f"  {Path(o.case.file).name}:{o.case.index} expected {o.case.team}"
                  f"{' urgent' if o.case.urgent else ''} got {o.decision.team}"
                  f"{' urgent' if o.decision.urgent else ''} ({o.decision.confidence:.2f}, "
                  f"{o.decision.explanation.get('rule')}) {text}", file=out)
    print(file=out)


def _recall_rows(outcomes: list[Outcome], key: str, out: TextIO) -> None:
    """Urgent recall grouped by one label; missed cases the safety net sent to human
    triage are counted apart (they wait minutes, not hours, and got the emergency numbers)."""
    urgent = [o for o in outcomes if o.case.urgent]
    groups = sorted({getattr(o.case, key) or "-" for o in urgent})
    print(f"{key:<28}{'n':>5}{'urgent':>8}{'recall':>8}{'triage':>8}{'missed':>8}", file=out)
    for group in groups:
        rows = [o for o in urgent if (getattr(o.case, key) or "-") == group]
        caught = sum(o.decision.urgent for o in rows)
        triaged = sum(not o.decision.urgent and o.decision.needs_triage for o in rows)
        print(f"{group:<28}{len(rows):>5}{caught:>8}{caught / len(rows):>8.3f}{triaged:>8}"
              f"{len(rows) - caught - triaged:>8}", file=out)
    print(file=out)


def _print_triage(outcomes: list[Outcome], out: TextIO) -> None:
    """The clinical set's figures: recall per category, form, phrasing and language; false
    urgent per kind of hard non-urgent case."""
    for key in ("category", "form", "phrasing", "lang"):
        _recall_rows(outcomes, key, out)
    calm = [o for o in outcomes if not o.case.urgent]
    print(f"{'negative':<28}{'n':>5}{'urgent':>8}{'false':>8}{'triage':>8}", file=out)
    for kind in sorted({o.case.negative or "-" for o in calm}):
        rows = [o for o in calm if (o.case.negative or "-") == kind]
        wrong = sum(o.decision.urgent for o in rows)
        triaged = sum(o.decision.needs_triage for o in rows)
        print(f"{kind:<28}{len(rows):>5}{wrong:>8}{wrong / len(rows):>8.3f}{triaged:>8}",
              file=out)
    print(file=out)


def run(case_files: list[str] | None, as_json: bool, show_errors: bool = False,
        out: TextIO | None = None, triage: str | None = None) -> int:
    """Evaluate, print the table (or JSON) on `out`; 0 when done, 2 for unreadable cases."""
    out = out or sys.stdout
    default = not case_files and not triage
    if triage and show_errors and triage != "dev":
        print("eval-routing: the held-out part is reported as figures only, never case by case",
              file=sys.stderr)
        return 2
    files = ([Path(p) for p in case_files] if case_files else
             triage_case_files(triage) if triage else default_case_files())
    if not files:
        print("eval-routing: no cases files", file=sys.stderr)
        return 2
    try:
        cases = [case for path in files for case in load_cases(path)]
    except CasesError as exc:
        print(f"eval-routing: {exc}", file=sys.stderr)
        return 2
    outcomes = [Outcome(case, route_case(case)) for case in cases]
    scored = [o for o in outcomes if o.case.file == str(files[0])] if default else None
    summary = summarise(outcomes, scored)
    if as_json:
        several = len(files) > 1
        document = {
            "summary": summary,
            "cases": [
                {
                    **({"file": o.case.file} if several else {}),
                    "index": o.case.index,
                    "predicted_team": o.decision.team,
                    "predicted_urgent": o.decision.urgent,
                    "needs_triage": o.decision.needs_triage,
                    "confidence": o.decision.confidence,
                }
                for o in outcomes
            ],
        }
        print(json.dumps(document, ensure_ascii=False), file=out)
        return 0
    _print_table(outcomes, files, default, show_errors, out)
    if any(o.case.category for o in outcomes):
        _print_triage(outcomes, out)
    print(_summary_line(summary), file=out)
    return 0
