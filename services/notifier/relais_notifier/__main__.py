"""`python -m relais_notifier` runs the notifier (consumer, outbox relay, health on 8082)."""

from relais_shared.process import run

from .bootstrap import main

run(main())
