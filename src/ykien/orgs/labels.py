"""Organisation kinds as the pages name them, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

from ykien.orgs.models import OrgKind


def org_kind_labels(_: Callable[..., str]) -> dict[str, str]:
    """Kind -> its name, translated with `_`."""
    return {
        OrgKind.PARTY_COMMITTEE: _("Party committee"),
        OrgKind.PARTY_CELL: _("Party cell"),
        OrgKind.TRADE_UNION: _("Trade union"),
        OrgKind.VETERANS: _("Veterans' association"),
        OrgKind.YOUTH_UNION: _("Youth union"),
        OrgKind.WOMENS_UNION: _("Women's union"),
        OrgKind.AGENCY: _("Agency"),
        OrgKind.PUBLIC: _("The public"),
        OrgKind.OTHER: _("Other organisation"),
    }
