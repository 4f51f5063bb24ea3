"""Recommendations (kiến nghị): raised, assigned, answered and followed up."""
