"""Router adapters: the only place I/O lives."""
