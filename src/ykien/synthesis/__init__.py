"""Syntheses per organisation, multi-level roll-up with provenance down to each opinion."""
