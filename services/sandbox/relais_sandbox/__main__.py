"""`python -m relais_sandbox` runs the sandbox SMS provider on RELAIS_SANDBOX_PORT (8090)."""

import asyncio

from .bootstrap import main

asyncio.run(main())
