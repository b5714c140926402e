"""`python -m relais_intake` runs the intake HTTP server."""

from relais_shared.process import run

from .bootstrap import main

run(main())
