"""`python -m relais_router` runs the inbox API; `python -m relais_router.worker` the worker."""

import asyncio

from .api.app import main

asyncio.run(main())
