"""Relais dev sandbox: a local Twilio-compatible SMS provider (`python -m relais_sandbox`)."""
