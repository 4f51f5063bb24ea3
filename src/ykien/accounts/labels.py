"""Roles as the pages name them, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

from ykien.accounts.models import Role


def role_labels(_: Callable[..., str]) -> dict[str, str]:
    """Role -> its name, translated with `_`."""
    return {
        Role.PARTICIPANT: _("Participant"),
        Role.SECRETARY: _("Secretary"),
        Role.SUBCOMMITTEE_MEMBER: _("Subcommittee member"),
        Role.CHAIR: _("Chair of the drafting body"),
        Role.ADMIN: _("Organisation admin"),
    }
