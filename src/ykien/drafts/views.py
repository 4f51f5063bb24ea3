"""Deprecated: the reader moved to `ykien.opinions.routes.reader`; `readable_consultation` is
in the web toolkit (`ykien.web.access`). Kept only until the modules still importing it from
here are moved (delete it then)."""

from ykien.web.access import readable_consultation

__all__ = ["readable_consultation"]
