"""Classified errors: how a failure must be treated, not where it came from."""

from __future__ import annotations


class InvalidMessage(Exception):
    """The message can never be processed (schema-invalid, poison): dead-letter it."""


class Retryable(Exception):
    """A transient failure (broker, database, provider): back off and retry."""
