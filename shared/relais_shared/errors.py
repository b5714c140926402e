"""Classified errors: how a failure must be treated, not where it came from."""

from __future__ import annotations

import asyncpg


class InvalidMessage(Exception):
    """The message can never be processed (schema-invalid, poison): dead-letter it."""


class Retryable(Exception):
    """A transient failure (broker, database, provider): back off and retry."""



# The database errors that another attempt may not meet: connection lost or refused, the
# server restarting, a deadlock or serialisation failure. (A unique violation is not here:
# whether it is worth redoing is the caller's to know.)
TRANSIENT_DB_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
    OSError,
)
