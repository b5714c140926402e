"""Intake's I/O: where accepted events are made durable."""
