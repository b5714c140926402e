"""Relais package."""
