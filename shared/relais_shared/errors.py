"""Classified errors: how a failure must be treated, not where it came from."""

from __future__ import annotations

import asyncpg


class InvalidMessage(Exception):
    """The message can never be processed (schema-invalid, poison): dead-letter it."""


class Retryable(Exception):
    """A transient failure (broker, database, provider): back off and retry."""



class Failed(Exception):
    """An error nobody classified (a bug, a data error the code did not expect): retried a
    few times in case it passes, then dead-lettered with its kind, never a crash loop."""


# A dependency that is away (the database restarting, refusing, unreachable): work waits
# for it as long as it takes, pausing; nothing is dead-lettered for it.
UNAVAILABLE_DB_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed", "another operation ..."
    OSError,
)
# A concurrent writer got in the way (a deadlock, a serialisation failure, a row a
# concurrent unit inserted first): doing it again normally passes; a bounded number of
# times, then the record is dead-lettered (a permanent conflict must not stop a partition).
CONFLICT_DB_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.UniqueViolationError,
)
TRANSIENT_DB_ERRORS = UNAVAILABLE_DB_ERRORS + CONFLICT_DB_ERRORS

# Data the database refuses whatever the attempt (a NUL byte, a value out of range, a CHECK,
# NOT NULL or foreign key): the record is dead-lettered at once.
INVALID_DB_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.DataError,
    asyncpg.exceptions.CheckViolationError,
    asyncpg.exceptions.NotNullViolationError,
    asyncpg.exceptions.ForeignKeyViolationError,
    asyncpg.exceptions.ExclusionViolationError,
)


def waits_for_dependency(exc: BaseException) -> bool:
    """A retry that waits as long as it takes: a dependency is away, not a conflict."""
    cause = exc.__cause__ if isinstance(exc, Retryable) else exc
    return isinstance(cause, UNAVAILABLE_DB_ERRORS)


def classify(exc: Exception) -> Exception:
    """The classified error an exception stands for: itself when it is one already,
    `InvalidMessage` for data the database refuses, `Retryable` for a transient database
    error, else `Failed`. The message names the error's kind only (the text of a database
    error can quote a value)."""
    if isinstance(exc, (InvalidMessage, Retryable, Failed)):
        return exc
    kind = type(exc).__name__
    sqlstate = getattr(exc, "sqlstate", None)
    label = f"{kind} (SQLSTATE {sqlstate})" if sqlstate else kind
    if isinstance(exc, INVALID_DB_ERRORS):
        return InvalidMessage(f"refused by the database: {label}")
    if isinstance(exc, TRANSIENT_DB_ERRORS):
        return Retryable(label)
    return Failed(f"unexpected {label}")
