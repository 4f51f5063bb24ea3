"""Shared web pieces: templates, translations, request dependencies, security."""
