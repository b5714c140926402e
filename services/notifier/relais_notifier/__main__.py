"""`python -m relais_notifier` runs the notifier (consumer, outbox relay, health on 8082)."""

import asyncio

from .bootstrap import main

asyncio.run(main())
