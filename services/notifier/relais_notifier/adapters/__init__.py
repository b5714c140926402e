"""The notifier's I/O: the Postgres ledger and suppressions, the SMS provider."""
