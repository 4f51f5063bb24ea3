"""Look-ups of syntheses and their items, and the opinion sets behind them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ykien.analysis.service import Breakdown, Counts
from ykien.errors import NotFound
from ykien.synthesis.models import (
    Synthesis,
    SynthesisItem,
    SynthesisItemOpinion,
    SynthesisStatus,
)

MAX_TITLE = 300
MAX_SUMMARY = 20_000
MAX_QUOTES = 5
# opinions read to pre-fill an item's summary: enough for a representative extract
SUMMARY_SAMPLE = 300
INSERT_CHUNK = 10_000
OTHER_TITLE = "Ý kiến chung (không gắn với mục cụ thể)"

ItemKey = tuple[str, int | None, int | None]


# ---------------------------------------------------------------------------------------------
# look-ups


def get(*, session: Session, synthesis_id: int) -> Synthesis:
    synthesis = session.get(Synthesis, synthesis_id)
    if synthesis is None:
        raise NotFound(
            "synthesis_not_found",
            f"Không có báo cáo tổng hợp số {synthesis_id}.",
            f"Synthesis {synthesis_id} does not exist.",
        )
    return synthesis


def get_item(*, session: Session, item_id: int) -> SynthesisItem:
    item = session.get(SynthesisItem, item_id)
    if item is None:
        raise NotFound(
            "synthesis_item_not_found",
            f"Không có mục tổng hợp số {item_id}.",
            f"Synthesis item {item_id} does not exist.",
        )
    return item


def history(*, session: Session, consultation_id: int, organisation_id: int) -> list[Synthesis]:
    """Every revision of the organisation's synthesis, oldest first."""
    return list(
        session.scalars(
            select(Synthesis)
            .where(
                Synthesis.consultation_id == consultation_id,
                Synthesis.organisation_id == organisation_id,
            )
            .order_by(Synthesis.revision)
        )
    )


def latest(*, session: Session, consultation_id: int, organisation_id: int) -> Synthesis | None:
    revisions = history(
        session=session, consultation_id=consultation_id, organisation_id=organisation_id
    )
    return revisions[-1] if revisions else None


def latest_submitted(
    *, session: Session, consultation_id: int, organisation_ids: Iterable[int]
) -> dict[int, Synthesis]:
    """Organisation id -> its latest submitted synthesis, for those that submitted one."""
    ids = set(organisation_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Synthesis)
        .where(
            Synthesis.consultation_id == consultation_id,
            Synthesis.organisation_id.in_(ids),
            Synthesis.status == SynthesisStatus.SUBMITTED,
        )
        .order_by(Synthesis.revision)
    )
    return {synthesis.organisation_id: synthesis for synthesis in rows}


def items_of(*, session: Session, synthesis_id: int) -> list[SynthesisItem]:
    return list(
        session.scalars(
            select(SynthesisItem)
            .where(SynthesisItem.synthesis_id == synthesis_id)
            .order_by(SynthesisItem.position, SynthesisItem.id)
        )
    )


def item_opinions(item_id: int) -> Select[Any]:
    return select(SynthesisItemOpinion.opinion_id).where(SynthesisItemOpinion.item_id == item_id)


def synthesis_opinions(synthesis_id: int) -> Select[Any]:
    return (
        select(SynthesisItemOpinion.opinion_id)
        .join(SynthesisItem, SynthesisItem.id == SynthesisItemOpinion.item_id)
        .where(SynthesisItem.synthesis_id == synthesis_id)
        .distinct()
    )


def opinions_of(*, session: Session, synthesis_id: int) -> list[int]:
    """The set of original opinions behind the whole synthesis (union of its items)."""
    return sorted(session.scalars(synthesis_opinions(synthesis_id)))


def counts_to_json(counts: Breakdown) -> dict[str, Any]:
    def facet(rows: list[tuple[str, Counts]]) -> list[list[Any]]:
        return [[name, c.raw, c.unique] for name, c in rows]

    return {
        "raw": counts.total.raw,
        "unique": counts.total.unique,
        "by_organisation": facet(counts.by_organisation),
        "by_channel": facet(counts.by_channel),
        "by_kind": facet(counts.by_kind),
    }


def counts_from_json(data: dict[str, Any]) -> Breakdown:
    def facet(name: str) -> list[tuple[str, Counts]]:
        return [(str(row[0]), Counts(int(row[1]), int(row[2]))) for row in data.get(name, [])]

    return Breakdown(
        total=Counts(int(data["raw"]), int(data["unique"])),
        by_organisation=facet("by_organisation"),
        by_channel=facet("by_channel"),
        by_kind=facet("by_kind"),
    )
