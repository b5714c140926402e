"""Pure intake rules: no I/O, no framework."""
