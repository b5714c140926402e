"""Intake's HTTP surface: thin routes that authenticate, parse and hand over."""
