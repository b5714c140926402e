"""The sandbox's I/O: signed status callbacks over HTTP, the JSON-lines journal."""
