"""The sections a decision names and how each maps onto the draft's next version."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.consultations import service as consultations
from ykien.decisions.models import (
    Decision,
    DecisionSection,
)
from ykien.drafts.models import DraftVersion, Section, SectionMapping

# ---------------------------------------------------------------------------------------------
# sections of a decision and the next version


def next_version(*, session: Session, version_id: int) -> DraftVersion | None:
    """The version imported after this one (mapped onto it), if any."""
    return session.scalars(
        select(DraftVersion)
        .where(DraftVersion.previous_version_id == version_id)
        .order_by(DraftVersion.number)
        .limit(1)
    ).first()


@dataclass
class SectionChange:
    section_id: int
    label: str
    version_number: int
    # the mapped section of the next version, how it changed and the word diff
    new_section_id: int | None = None
    new_label: str | None = None
    status: str | None = None
    diff: str = ""


def section_changes(*, session: Session, decision: Decision) -> list[SectionChange]:
    """Each section of the decision with its counterpart in the next version, when imported."""
    rows = session.execute(
        select(Section, DraftVersion.number, DraftVersion.id)
        .join(DecisionSection, DecisionSection.section_id == Section.id)
        .join(DraftVersion, DraftVersion.id == Section.version_id)
        .where(DecisionSection.decision_id == decision.id)
        .order_by(DraftVersion.number, Section.position)
    ).all()
    changes = []
    for section, number, version_id in rows:
        change = SectionChange(section.id, section.label, number)
        mapping = _mapping_of(session, section.id, version_id)
        if mapping is not None:
            new = session.get(Section, mapping.new_section_id) if mapping.new_section_id else None
            change.new_section_id = new.id if new else None
            change.new_label = new.label if new else None
            change.status, change.diff = mapping.status, mapping.diff
        changes.append(change)
    return changes


def _mapping_of(session: Session, section_id: int, version_id: int) -> SectionMapping | None:
    """The mapping row of a section: towards the next version (old side) or, for a section of
    the next version itself, from the previous one (new side)."""
    following = next_version(session=session, version_id=version_id)
    if following is not None:
        return session.scalars(
            select(SectionMapping).where(
                SectionMapping.version_id == following.id,
                SectionMapping.old_section_id == section_id,
            )
        ).first()
    return session.scalars(
        select(SectionMapping).where(
            SectionMapping.version_id == version_id, SectionMapping.new_section_id == section_id
        )
    ).first()


def section_choices(
    *, session: Session, consultation_id: int
) -> tuple[DraftVersion, list[Section]]:
    """The sections a decision may name: the next version's once imported, else the current."""
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    version = next_version(session=session, version_id=consultation.draft_version_id)
    if version is None:
        version = session.get_one(DraftVersion, consultation.draft_version_id)
    sections = list(
        session.scalars(
            select(Section).where(Section.version_id == version.id).order_by(Section.position)
        )
    )
    return version, sections


def section_ids_of(*, session: Session, decision_id: int) -> list[int]:
    return sorted(
        session.scalars(
            select(DecisionSection.section_id).where(DecisionSection.decision_id == decision_id)
        )
    )
