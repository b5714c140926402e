"""Relais notifier: everything that goes back to a patient."""
