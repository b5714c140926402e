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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
