"""Pure sandbox model: messages, validation, filters, fault plan, status lifecycle. No I/O."""
