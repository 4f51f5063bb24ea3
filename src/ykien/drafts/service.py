"""Import drafts and their versions; map each new version onto the previous one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.orm import Session, aliased

from ykien import text as vt
from ykien.audit import service as audit
from ykien.drafts.diff import map_versions
from ykien.drafts.models import (
    Draft,
    DraftKind,
    DraftVersion,
    Section,
    SectionChange,
    SectionMapping,
)
from ykien.drafts.parse import DraftParseError, ParsedDraft, parse_file
from ykien.errors import Conflict, NotFound, UserError


def create_draft(
    *,
    session: Session,
    title: str,
    kind: str = DraftKind.OTHER,
    organisation_id: int | None = None,
    actor_person_id: int | None = None,
) -> Draft:
    title = vt.collapse_spaces(vt.clean(title))
    if not title or len(title) > 500:
        raise UserError(
            "draft_title_invalid",
            "Tên dự thảo phải có từ 1 đến 500 ký tự.",
            "A draft title must have 1 to 500 characters.",
        )
    if kind not in set(DraftKind):
        raise UserError(
            "draft_kind_invalid", f"Loại dự thảo không hợp lệ: {kind}.", f"Unknown kind: {kind}."
        )
    draft = Draft(title=title, kind=kind, organisation_id=organisation_id)
    session.add(draft)
    session.flush()
    audit.record(
        session=session,
        action="draft.created",
        entity_type="draft",
        entity_id=draft.id,
        actor_person_id=actor_person_id,
        payload={"title": title, "kind": kind},
    )
    return draft


def get_version(*, session: Session, version_id: int) -> DraftVersion:
    version = session.get(DraftVersion, version_id)
    if version is None:
        raise NotFound(
            "version_not_found",
            f"Không có phiên bản dự thảo số {version_id}.",
            f"Draft version {version_id} does not exist.",
        )
    return version


def sections_of(*, session: Session, version_id: int) -> list[Section]:
    """The version's sections in document order."""
    return list(
        session.execute(
            select(Section).where(Section.version_id == version_id).order_by(Section.position)
        ).scalars()
    )


def latest_version(*, session: Session, draft_id: int) -> DraftVersion | None:
    return session.execute(
        select(DraftVersion)
        .where(DraftVersion.draft_id == draft_id)
        .order_by(DraftVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def parse_upload(data: bytes, filename: str, *, max_bytes: int) -> ParsedDraft:
    """Parse an uploaded draft file, turning parser errors into user errors."""
    try:
        return parse_file(data, filename, max_bytes=max_bytes)
    except DraftParseError as exc:
        raise UserError(exc.code, exc.message_vi, exc.message_en) from exc


def _insert_sections(session: Session, version_id: int, parsed: ParsedDraft) -> list[int]:
    """Insert the parsed tree; returns the new section ids in document order."""
    ids: list[int] = []
    for item in parsed.sections:
        section = Section(
            version_id=version_id,
            parent_id=ids[item.parent] if item.parent is not None else None,
            position=item.order,
            depth=item.depth,
            kind=item.kind,
            number=item.number,
            label=item.label,
            path=item.path,
            heading=item.heading,
            text=item.text,
        )
        session.add(section)
        session.flush()
        ids.append(section.id)
    return ids


def import_version(
    *,
    session: Session,
    draft_id: int,
    data: bytes,
    filename: str,
    max_bytes: int = 20_000_000,
    actor_person_id: int | None = None,
) -> DraftVersion:
    """Parse a file into the draft's next version and map it onto the previous version.

    Everything is written in the caller's transaction, so a failure leaves nothing behind.
    """
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(
            "draft_not_found", f"Không có dự thảo số {draft_id}.", f"No draft {draft_id}."
        )
    parsed = parse_upload(data, filename, max_bytes=max_bytes)
    sha = hashlib.sha256(data).hexdigest()
    previous = latest_version(session=session, draft_id=draft_id)
    if previous is not None and previous.source_sha256 == sha:
        raise Conflict(
            "version_unchanged",
            f"Tệp {filename} giống hệt phiên bản {previous.number}; không tạo phiên bản mới.",
            f"{filename} is identical to version {previous.number}; no new version was made.",
        )
    version = DraftVersion(
        draft_id=draft_id,
        number=(previous.number + 1) if previous else 1,
        title=parsed.title or draft.title,
        previous_version_id=previous.id if previous else None,
        source_filename=filename[:300],
        source_sha256=sha,
        section_count=len(parsed.sections),
    )
    session.add(version)
    session.flush()
    new_ids = _insert_sections(session, version.id, parsed)
    summary: dict[str, int] = {}
    if previous is not None:
        summary = _map_onto(session, version.id, previous.id, parsed, new_ids)
    audit.record(
        session=session,
        action="draft.version_imported",
        entity_type="draft_version",
        entity_id=version.id,
        actor_person_id=actor_person_id,
        payload={
            "draft_id": draft_id,
            "number": version.number,
            "sha256": sha,
            "sections": len(new_ids),
            "changes": summary,
        },
    )
    return version


def _map_onto(
    session: Session, version_id: int, previous_id: int, parsed: ParsedDraft, new_ids: list[int]
) -> dict[str, int]:
    old_sections = sections_of(session=session, version_id=previous_id)
    matches = map_versions(old_sections, parsed.sections)
    rows = [
        {
            "version_id": version_id,
            "old_section_id": old_sections[m.old_index].id if m.old_index is not None else None,
            "new_section_id": new_ids[m.new_index] if m.new_index is not None else None,
            "status": m.status,
            "similarity": m.similarity,
            "diff": m.diff,
        }
        for m in matches
    ]
    if rows:
        session.execute(insert(SectionMapping), rows)
    summary: dict[str, int] = {}
    for match in matches:
        summary[match.status] = summary.get(match.status, 0) + 1
    return summary


def change_summary(*, session: Session, version_id: int) -> dict[str, int]:
    """How many sections of the version are same, changed, new and removed."""
    rows = session.execute(
        select(SectionMapping.status, func.count())
        .where(SectionMapping.version_id == version_id)
        .group_by(SectionMapping.status)
    )
    return {status: count for status, count in rows}


def get_draft(*, session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(
            "draft_not_found", f"Không có dự thảo số {draft_id}.", f"No draft {draft_id}."
        )
    return draft


def versions_of(*, session: Session, draft_id: int) -> list[DraftVersion]:
    """The draft's versions, oldest first."""
    return list(
        session.execute(
            select(DraftVersion)
            .where(DraftVersion.draft_id == draft_id)
            .order_by(DraftVersion.number)
        ).scalars()
    )


def section_rows(*, session: Session, version_id: int) -> list[Row[Any]]:
    """The version's sections in document order as plain rows (no ORM objects: fast to read
    for large drafts); attributes as on Section."""
    return list(
        session.execute(
            select(
                Section.id,
                Section.parent_id,
                Section.position,
                Section.depth,
                Section.kind,
                Section.number,
                Section.label,
                Section.path,
                Section.heading,
                Section.text,
            )
            .where(Section.version_id == version_id)
            .order_by(Section.position)
        )
    )


@dataclass(frozen=True)
class MappedSection:
    """A section of the previous version and its counterpart in a version, with their labels."""

    mapping: SectionMapping
    old_label: str | None
    new_label: str | None


def version_changes(*, session: Session, version_id: int) -> list[MappedSection]:
    """The sections that changed, appeared or went away in a version, in the mapping's order."""
    old, new = aliased(Section), aliased(Section)
    rows = session.execute(
        select(SectionMapping, old.label, new.label)
        .outerjoin(old, old.id == SectionMapping.old_section_id)
        .outerjoin(new, new.id == SectionMapping.new_section_id)
        .where(
            SectionMapping.version_id == version_id,
            SectionMapping.status != SectionChange.SAME,
        )
        .order_by(SectionMapping.id)
    ).all()
    return [MappedSection(mapping, old_label, new_label) for mapping, old_label, new_label in rows]
