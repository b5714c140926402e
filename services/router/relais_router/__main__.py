"""`python -m relais_router` runs the inbox API; `python -m relais_router.worker` the worker."""

from relais_shared.process import run

from .api.app import main

run(main())
