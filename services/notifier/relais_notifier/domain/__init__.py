"""Pure notifier rules: templates, delivery-state order, provider outcomes, reconciliation."""
