"""The `relais` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from relais_shared.settings import RelaisSettings


def _cmd_run(_: argparse.Namespace) -> int:
    from .stack import run_stack

    return run_stack()


def _cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import migrate_all

    applied = asyncio.run(migrate_all(args.database_url or RelaisSettings().database_url))
    for schema, names in applied.items():
        print(f"{schema}: {', '.join(names) if names else 'up to date'}")
    return 0


def _cmd_contracts_export(_: argparse.Namespace) -> int:
    from relais_shared.contracts import export_schemas

    for path in export_schemas():
        print(path)
    return 0


def _cmd_send_sms(args: argparse.Namespace) -> int:
    from .send_sms import send_signed_sms

    status, body = send_signed_sms(args.sender, args.to, args.text, args.url)
    print(status, body)
    return 0 if status == 200 else 1


def _cmd_simulate(args: argparse.Namespace) -> int:
    from . import send_sms, simulate

    if args.dry_run:
        count = simulate.contact_count(args.rate, args.duration, args.max)
        plan = simulate.plan_day(count, args.duration, seed=args.seed)
        print(f"{len(plan)} contacts over {args.duration:.0f} s (dry run, nothing sent)")
        for name, counts in simulate.plan_stats(plan).items():
            print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return 0
    url = (args.url or send_sms.public_url()).rstrip("/")
    summary = asyncio.run(
        simulate.simulate(
            rate_per_min=args.rate,
            duration_s=args.duration,
            max_contacts=args.max,
            seed=args.seed,
            public_url=url,
            auth_token=send_sms.auth_token(),
            account_sid=send_sms.account_sid(),
            clinic=args.to,
            concurrency=args.concurrency,
        )
    )
    print("\n".join(summary.lines(url)))
    if summary.sent and summary.failed == summary.sent:
        print(f"  intake did not answer at {url}: is the stack running (scripts/run)?")
    return 0 if summary.sent and summary.accepted == summary.sent else 1


def _positive_rate(raw: str) -> float:
    from .simulate import MAX_RATE_PER_MIN

    rate = float(raw)
    if not 0 < rate <= MAX_RATE_PER_MIN:
        raise argparse.ArgumentTypeError(f"between 0 and {MAX_RATE_PER_MIN:g} contacts/min")
    return rate


def _duration(raw: str) -> float:
    from .simulate import parse_duration

    try:
        return parse_duration(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _max_contacts(raw: str) -> int:
    from .simulate import MAX_CONTACTS

    value = int(raw)
    if not 1 <= value <= MAX_CONTACTS:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_CONTACTS}")
    return value


def _cmd_directory(args: argparse.Namespace) -> int:
    from . import directory

    return directory.run(args.database_url or RelaisSettings().database_url, args.action,
                         args.file, args.replace)


def _cmd_users(args: argparse.Namespace) -> int:
    from . import users

    if args.action != "demo-code":
        args.database_url = args.database_url or RelaisSettings().database_url
    return users.run(args)


def _add_users_parser(sub: argparse._SubParsersAction) -> None:
    """`relais users …`: the inbox's accounts (docs/inbox.md, "Accounts")."""
    users = sub.add_parser("users", help="inbox accounts: create, disable, reset-password, list")
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create", help="a new account; prints a generated password and a lead's/admin's TOTP")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=["agent", "lead", "admin"])
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--member", action="append", metavar="SITE:TEAM",
                        help="a team membership (repeatable)")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from stdin (else one is generated)")
    reset = actions.add_parser(
        "reset-password", help="a new password (unlocks, revokes the account's tokens)")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    reset.add_argument("--new-totp", action="store_true", help="issue a new TOTP secret too")
    for name, text in (("disable", "disable an account (its tokens stop at once)"),
                       ("enable", "enable a disabled account")):
        actions.add_parser(name, help=text).add_argument("username")
    listing = actions.add_parser("list", help="every account (no secrets)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    code = actions.add_parser("demo-code", help="current TOTP code of a demo lead/admin (dev)")
    code.add_argument("username")
    code.add_argument("--data-dir", default=None, help="the stack's data directory (.relais)")
    for parser_ in actions.choices.values():
        if parser_ is not code:
            parser_.add_argument("--database-url", default=os.environ.get("RELAIS_DATABASE_URL"))
    users.set_defaults(func=_cmd_users)


def _cmd_dlq(args: argparse.Namespace) -> int:
    from . import dlq

    if args.action == "replay" and not (args.refs or args.all):
        raise SystemExit("name dead letters to replay (REF …) or pass --all")
    bootstrap = args.bootstrap or RelaisSettings().kafka_bootstrap
    return dlq.run(bootstrap, args.action, args.topic, args.refs, args.all)


def _cmd_topics_create(args: argparse.Namespace) -> int:
    from relais_shared.topics import ALL_TOPICS_WITH_DLQ

    from .devstack.topics import ensure_topics

    bootstrap = args.bootstrap or RelaisSettings().kafka_bootstrap
    asyncio.run(ensure_topics(bootstrap, list(ALL_TOPICS_WITH_DLQ), partitions=args.partitions,
                              replication_factor=args.replication_factor))
    print(f"{len(ALL_TOPICS_WITH_DLQ)} topics present on {bootstrap}")
    return 0


def _cmd_eval_routing(args: argparse.Namespace) -> int:
    from . import eval_routing

    return eval_routing.run(args.cases, args.json, args.errors, triage=args.triage)


def _cmd_status(args: argparse.Namespace) -> int:
    from . import status

    settings = RelaisSettings()
    return status.run(args.bootstrap or settings.kafka_bootstrap,
                      args.database_url or settings.database_url, args.json)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="relais", description="Relais patient message hub")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="install what is missing and run the whole stack").set_defaults(
        func=_cmd_run
    )
    migrate = sub.add_parser("migrate", help="apply every service's migrations")
    migrate.add_argument("--database-url", default=os.environ.get("RELAIS_DATABASE_URL"))
    migrate.set_defaults(func=_cmd_migrate)
    contracts = sub.add_parser("contracts", help="event contracts")
    contracts_sub = contracts.add_subparsers(dest="action", required=True)
    contracts_sub.add_parser("export", help="regenerate the JSON Schemas").set_defaults(
        func=_cmd_contracts_export
    )
    directory = sub.add_parser(
        "directory", help="service directory: import YAML (an empty DB, or --replace), export"
    )
    directory_sub = directory.add_subparsers(dest="action", required=True)
    directory_import = directory_sub.add_parser(
        "import", help="load a YAML directory (a new version; --replace over the current one)"
    )
    directory_import.add_argument("file")
    directory_import.add_argument("--replace", action="store_true",
                                  help="replace the directory the database holds")
    directory_export = directory_sub.add_parser("export", help="print the directory as YAML")
    directory_export.set_defaults(file=None, replace=False)
    for parser_ in (directory_import, directory_export):
        parser_.add_argument("--database-url", default=os.environ.get("RELAIS_DATABASE_URL"))
    directory.set_defaults(func=_cmd_directory)
    _add_users_parser(sub)
    dlq = sub.add_parser("dlq", help="dead letters: list, show (bodies redacted), replay")
    dlq.add_argument("action", choices=["list", "show", "replay"])
    dlq.add_argument("refs", nargs="*", help="TOPIC:PARTITION:OFFSET as printed by list")
    dlq.add_argument("--topic", help="one source topic (default: all)")
    dlq.add_argument("--all", action="store_true", help="replay every listed dead letter")
    dlq.add_argument("--bootstrap", default=os.environ.get("RELAIS_KAFKA_BOOTSTRAP"))
    dlq.set_defaults(func=_cmd_dlq)
    topics = sub.add_parser("topics", help="Kafka topics")
    topics_sub = topics.add_subparsers(dest="action", required=True)
    topics_create = topics_sub.add_parser("create", help="create missing topics and DLQs")
    topics_create.add_argument("--bootstrap", default=os.environ.get("RELAIS_KAFKA_BOOTSTRAP"))
    topics_create.add_argument("--partitions", type=int, default=3)
    topics_create.add_argument("--replication-factor", type=int, default=1)
    topics_create.set_defaults(func=_cmd_topics_create)
    status = sub.add_parser("status", help="database, outbox backlog, topics, lag, dead letters")
    status.add_argument("--bootstrap", default=os.environ.get("RELAIS_KAFKA_BOOTSTRAP"))
    status.add_argument("--database-url", default=os.environ.get("RELAIS_DATABASE_URL"))
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(func=_cmd_status)
    sms = sub.add_parser("send-sms", help="send a Twilio-signed test SMS to intake")
    sms.add_argument("--from", dest="sender", default="+33612345678")
    sms.add_argument("--to", default=os.environ.get("RELAIS_SMS_FROM", "+33939000000"))
    sms.add_argument("--url", default=None, help="intake webhook URL (default from settings)")
    sms.add_argument("text")
    sms.set_defaults(func=_cmd_send_sms)
    sim = sub.add_parser(
        "simulate",
        help="send a realistic mixed day of FR/EN patient SMS to intake (bounded, stops by itself)",
    )
    sim.add_argument("--rate", type=_positive_rate, default=30.0,
                     help="average contacts per minute (default 30; more in the morning)")
    sim.add_argument("--duration", type=_duration, default=120.0,
                     help="how long the simulated day lasts: 90s, 2m, 1h (default 2m)")
    sim.add_argument("--max", type=_max_contacts, default=1000,
                     help="never send more than this many contacts (default 1000)")
    sim.add_argument("--seed", type=int, default=None, help="same seed, same day")
    sim.add_argument("--to", default=os.environ.get("RELAIS_SMS_FROM", "+33939000000"),
                     help="the clinic's number the patients text")
    sim.add_argument("--url", default=None, help="intake's base URL (default RELAIS_PUBLIC_URL)")
    sim.add_argument("--concurrency", type=int, default=16, choices=range(1, 257),
                     metavar="N", help="webhooks in flight at most (default 16)")
    sim.add_argument("--dry-run", action="store_true", help="print the plan's mix, send nothing")
    sim.set_defaults(func=_cmd_simulate)
    evaluation = sub.add_parser(
        "eval-routing",
        help="routing accuracy, urgent recall and false-urgent rate on labelled messages",
    )
    evaluation.add_argument("--cases", action="append", metavar="FILE",
                            help="labelled JSONL (channel, subject, body, team, urgent); "
                                 "repeatable; default: tests/data evaluation set + critical list")
    evaluation.add_argument("--json", action="store_true", help="machine-readable output")
    evaluation.add_argument("--errors", action="store_true", help="list misrouted cases")
    evaluation.add_argument("--triage", choices=("dev", "holdout", "all"),
                            help="the clinical evaluation set (tests/data/triage): recall per "
                                 "category, form, phrasing and language; the held-out part "
                                 "prints figures only")
    evaluation.set_defaults(func=_cmd_eval_routing)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
