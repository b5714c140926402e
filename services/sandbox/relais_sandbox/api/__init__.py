"""HTTP: the Twilio-compatible REST API and the `/_sandbox` inspection/admin API."""
