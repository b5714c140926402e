"""Router domain: pure rules, no I/O."""
