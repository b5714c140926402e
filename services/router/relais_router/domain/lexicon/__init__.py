"""Routing lexicons as data: SMS shorthand, red-flag patterns, intent weights (FR/EN, folded)."""
