"""`python -m relais_intake` runs the intake HTTP server."""

import asyncio

from .bootstrap import main

asyncio.run(main())
