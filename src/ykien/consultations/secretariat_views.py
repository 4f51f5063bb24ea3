"""Deprecated: the secretariat's routes are `ykien.consultations.routes`; the helpers other
route modules took from here are in the web toolkit (`ykien.web.forms`). Kept only until the
modules still importing them from here are moved (delete it then)."""

from ykien.web.forms import clean_filename, parse_moment, upload_name

__all__ = ["clean_filename", "parse_moment", "upload_name"]
