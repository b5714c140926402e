"""The router's HTTP API (agents' inbox and read endpoints)."""
