"""Relais intake: every patient channel in, one durable ContactReceived event out."""
