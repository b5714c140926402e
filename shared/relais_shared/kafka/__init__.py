"""Kafka plumbing: the idempotent producer and the consumer runner."""
