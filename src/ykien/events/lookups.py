"""Look-ups for the fast entry: people by name as typed, sections of the draft by a reference
as typed ("đ5", "dieu 5", "k2 đ5")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Person
from ykien.consultations import service as consultations
from ykien.drafts import service as drafts
from ykien.drafts.models import Section
from ykien.drafts.refs import SectionIndex
from ykien.orgs.models import Organisation

MAX_LOOKUP = 20
# "k2 đ5", "đ5", "c2": the short forms secretaries type for khoản, Điều, chương.
_SHORT_FORMS = (
    (re.compile(r"(?<!\w)[kK]\.?\s*(\d{1,3})(?!\w)"), "khoản {}"),
    (re.compile(r"(?<!\w)[dđDĐ]\.?\s*(\d{1,4}[a-z]?)(?!\w)"), "Điều {}"),
    (re.compile(r"(?<!\w)[cC]\.?\s*([IVXLCivxlc]+|\d{1,3})(?!\w)"), "Chương {}"),
)


# ---------------------------------------------------------------------------------------------
# Look-ups for fast entry


@dataclass(frozen=True, slots=True)
class PersonChoice:
    id: int
    full_name: str
    title: str | None
    organisation: str | None


def search_people(*, session: Session, query: str, limit: int = 10) -> list[PersonChoice]:
    """People whose name contains every word typed, ignoring case, diacritics and tone placement."""
    words = vt.name_key(vt.clean(query))[:100].split()
    if not words:
        return []
    statement = (
        select(Person.id, Person.full_name, Person.title, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(*(Person.name_key.contains(word, autoescape=True) for word in words[:6]))
        .limit(500)
    )
    found = [PersonChoice(*row) for row in session.execute(statement)]
    found.sort(key=lambda p: (vt.person_sort_key(p.full_name), p.id))
    return found[: min(limit, MAX_LOOKUP)]


def expand_short_forms(typed: str) -> str:
    """ "k2 đ5" -> "khoản 2 Điều 5": the abbreviations secretaries type, spelled out."""
    expanded = vt.clean(typed)
    for pattern, template in _SHORT_FORMS:
        expanded = pattern.sub(_spelled_out(template), expanded)
    return expanded


def _spelled_out(template: str) -> Callable[[re.Match[str]], str]:
    return lambda match: template.format(match.group(1))


def consultation_sections(session: Session, consultation_id: int) -> list[Section]:
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    return drafts.sections_of(session=session, version_id=consultation.draft_version_id)


def resolve_section(
    *, session: Session, consultation_id: int, typed: str, sections: Sequence[Section] | None = None
) -> Section | None:
    """The section a typed reference names ("đ5", "dieu 5", "k2 đ5"), or None if unclear."""
    if not typed.strip():
        return None
    sections = sections if sections is not None else consultation_sections(session, consultation_id)
    index = SectionIndex(sections)
    found = index.resolve_text(typed[:200])
    if found is None:
        found = index.resolve_text(expand_short_forms(typed[:200]))
    return sections[found] if found is not None else None


@dataclass(frozen=True, slots=True)
class SectionChoice:
    id: int
    label: str
    heading: str


def search_sections(
    *, session: Session, consultation_id: int, query: str, limit: int = 10
) -> list[SectionChoice]:
    """The section a reference names first, then its subsections, then labels that match."""
    sections = consultation_sections(session, consultation_id)
    limit = min(limit, MAX_LOOKUP)
    chosen: list[Section] = []
    named = resolve_section(
        session=session, consultation_id=consultation_id, typed=query, sections=sections
    )
    if named is not None:
        chosen.append(named)
        chosen.extend(s for s in sections if s.parent_id == named.id)
    wanted = vt.name_key(expand_short_forms(query))
    if wanted:
        chosen.extend(
            s for s in sections if vt.name_key(f"{s.label} {s.heading}").startswith(wanted)
        )
    unique = list({s.id: s for s in chosen}.values())[:limit]
    return [SectionChoice(s.id, s.label, s.heading) for s in unique]
