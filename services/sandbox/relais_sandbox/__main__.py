"""`python -m relais_sandbox` runs the sandbox SMS provider on RELAIS_SANDBOX_PORT (8090)."""

from relais_shared.process import run

from .bootstrap import main

run(main())
