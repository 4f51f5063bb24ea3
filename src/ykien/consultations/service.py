"""Consultations: create, open, close, scope checks, subcommittees."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from ykien import text as vt
from ykien.accounts import service as accounts
from ykien.audit import service as audit
from ykien.consultations.models import (
    Consultation,
    ConsultationScope,
    ConsultationStatus,
    Subcommittee,
    SubcommitteeSection,
)
from ykien.db.base import utcnow
from ykien.drafts import service as drafts
from ykien.drafts.models import Draft, DraftKind, DraftVersion, Section
from ykien.errors import Conflict, NotFound, UserError
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation
from ykien.timefmt import format_datetime


def create(
    *,
    session: Session,
    title: str,
    draft_version_id: int,
    organiser_id: int,
    opens_at: datetime,
    closes_at: datetime,
    scope_organisation_ids: list[int] | None = None,
    description: str = "",
    allow_anonymous: bool = False,
    opinions_public: bool = True,
    identity_required: bool | None = None,
    count_spoken_only: bool = True,
    parent_id: int | None = None,
    actor_person_id: int | None = None,
) -> Consultation:
    """A consultation in status draft; scope defaults to the organiser's subtree. Participants
    must be identified unless anonymous opinions are allowed (asking for both is refused).

    With `parent_id`, a lower organisation's collection on the parent's draft (see check_child).
    """
    title = checked_title(title)
    check_window(opens_at, closes_at)
    identity_required = checked_policy(allow_anonymous, identity_required)
    if session.get(DraftVersion, draft_version_id) is None:
        raise NotFound(
            "version_not_found",
            f"Không có phiên bản dự thảo số {draft_version_id}.",
            f"Draft version {draft_version_id} does not exist.",
        )
    orgs.get(session=session, organisation_id=organiser_id)
    scope_ids = list(dict.fromkeys(scope_organisation_ids or [organiser_id]))
    for org_id in scope_ids:
        orgs.get(session=session, organisation_id=org_id)
    if parent_id is not None:
        check_child(
            session=session,
            parent_id=parent_id,
            draft_version_id=draft_version_id,
            organiser_id=organiser_id,
            scope_ids=scope_ids,
        )
    consultation = Consultation(
        title=title,
        description=vt.clean(description),
        draft_version_id=draft_version_id,
        organiser_id=organiser_id,
        opens_at=opens_at,
        closes_at=closes_at,
        allow_anonymous=allow_anonymous,
        opinions_public=opinions_public,
        identity_required=identity_required,
        count_spoken_only=count_spoken_only,
        status=ConsultationStatus.DRAFT,
        parent_id=parent_id,
    )
    session.add(consultation)
    session.flush()
    session.add_all(
        ConsultationScope(consultation_id=consultation.id, organisation_id=org_id)
        for org_id in scope_ids
    )
    audit.record(
        session=session,
        action="consultation.created",
        entity_type="consultation",
        entity_id=consultation.id,
        actor_person_id=actor_person_id,
        payload={
            "title": title,
            "draft_version_id": draft_version_id,
            "scope": scope_ids,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
            "parent_id": parent_id,
        },
    )
    return consultation


def check_child(
    *,
    session: Session,
    parent_id: int,
    draft_version_id: int,
    organiser_id: int,
    scope_ids: Iterable[int],
) -> Consultation:
    """Refuse a child collection that does not fit its parent consultation.

    The child is on the parent's draft version; its organiser is another organisation inside
    the parent's scope (the parent's organiser or the subtrees of its scope roots, so a bloc of
    another tree takes part once the parent's scope names it); the child's scope stays inside the
    parent's scope.
    """
    parent = get(session=session, consultation_id=parent_id)
    if parent.draft_version_id != draft_version_id:
        raise UserError(
            "child_version_mismatch",
            "Đợt lấy ý kiến ở cấp dưới phải lấy ý kiến trên đúng phiên bản dự thảo "
            "của đợt cấp trên.",
            "A lower level's collection must be on the parent consultation's draft version.",
        )
    if organiser_id == parent.organiser_id:
        raise UserError(
            "child_same_organiser",
            "Đơn vị tổ chức ở cấp dưới phải khác đơn vị tổ chức của đợt cấp trên.",
            "The lower level's organiser must differ from the parent consultation's organiser.",
        )
    allowed = scope_org_ids(session=session, consultation_id=parent_id)
    allowed.update(orgs.subtree_ids(session=session, organisation_id=parent.organiser_id))
    if organiser_id not in allowed:
        raise UserError(
            "child_organiser_out_of_scope",
            "Đơn vị tổ chức ở cấp dưới phải thuộc phạm vi lấy ý kiến của đợt cấp trên.",
            "The lower level's organiser must lie in the parent consultation's scope.",
        )
    if any(org_id not in allowed for org_id in scope_ids):
        raise UserError(
            "child_scope_out_of_scope",
            "Phạm vi lấy ý kiến ở cấp dưới phải nằm trong phạm vi của đợt cấp trên.",
            "The lower level's scope must lie inside the parent consultation's scope.",
        )
    return parent


def children_of(*, session: Session, consultation_id: int) -> list[Consultation]:
    """The lower levels' collections on this consultation's draft, oldest first."""
    return list(
        session.scalars(
            select(Consultation)
            .where(Consultation.parent_id == consultation_id)
            .order_by(Consultation.id)
        )
    )


def checked_title(title: str) -> str:
    """The cleaned title, or a clear error when it is empty or too long."""
    title = vt.collapse_spaces(vt.clean(title))
    if not title or len(title) > 500:
        raise UserError(
            "consultation_title_invalid",
            "Tiêu đề đợt lấy ý kiến phải có từ 1 đến 500 ký tự.",
            "A consultation title must have 1 to 500 characters.",
        )
    return title


def checked_policy(allow_anonymous: bool, identity_required: bool | None) -> bool:
    """Whether participants must be identified: by default unless anonymous opinions are
    allowed; anonymous opinions and identified participants together is a contradiction."""
    if identity_required is None:
        return not allow_anonymous
    if allow_anonymous and identity_required:
        raise UserError(
            "consultation_policy_contradictory",
            "Đợt lấy ý kiến không thể vừa cho phép góp ý ẩn danh vừa yêu cầu người góp ý phải "
            "xác định danh tính. Hãy bỏ chọn một trong hai.",
            "A consultation cannot both allow anonymous opinions and require participants to be "
            "identified. Untick one of the two.",
        )
    return identity_required


def check_window(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise UserError(
            "consultation_window_invalid",
            "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
            "The closing time must be after the opening time.",
        )


def not_found(consultation_id: int) -> NotFound:
    return NotFound(
        "consultation_not_found",
        f"Không có đợt lấy ý kiến số {consultation_id}.",
        f"Consultation {consultation_id} does not exist.",
    )


def get(*, session: Session, consultation_id: int) -> Consultation:
    consultation = session.get(Consultation, consultation_id)
    if consultation is None:
        raise not_found(consultation_id)
    return consultation


_STATUS_ACTIONS: dict[str, str] = {
    ConsultationStatus.OPEN: "consultation.opened",
    ConsultationStatus.CLOSED: "consultation.closed",
}


def _set_status(
    session: Session, consultation_id: int, status: str, actor_person_id: int | None
) -> Consultation:
    consultation = get(session=session, consultation_id=consultation_id)
    if consultation.status == status:
        return consultation
    consultation.status = status
    audit.record(
        session=session,
        action=_STATUS_ACTIONS[status],
        entity_type="consultation",
        entity_id=consultation_id,
        actor_person_id=actor_person_id,
    )
    return consultation


def open_(
    *, session: Session, consultation_id: int, actor_person_id: int | None = None
) -> Consultation:
    """Publish the consultation: it takes opinions within its window."""
    return _set_status(session, consultation_id, ConsultationStatus.OPEN, actor_person_id)


def publish(
    *, session: Session, consultation_id: int, actor_person_id: int | None = None
) -> Consultation:
    """Open a consultation not yet published (a no-op if it is open; a closed one stays closed)."""
    consultation = get(session=session, consultation_id=consultation_id)
    if consultation.status == ConsultationStatus.CLOSED:
        raise Conflict(
            "consultation_already_closed",
            "Đợt lấy ý kiến này đã kết thúc; không công bố lại.",
            "This consultation is closed; it cannot be published again.",
        )
    return open_(session=session, consultation_id=consultation_id, actor_person_id=actor_person_id)


def close(
    *, session: Session, consultation_id: int, actor_person_id: int | None = None
) -> Consultation:
    return _set_status(session, consultation_id, ConsultationStatus.CLOSED, actor_person_id)


def accepting_refusal(consultation: Consultation, now: datetime | None = None) -> UserError | None:
    """Why the consultation takes no opinions at `now`, or None when it does."""
    now = now or utcnow()
    if consultation.status == ConsultationStatus.DRAFT:
        return UserError(
            "consultation_not_published",
            "Đợt lấy ý kiến này chưa được công bố.",
            "This consultation has not been published yet.",
        )
    if now < consultation.opens_at:
        when = format_datetime(consultation.opens_at)
        return UserError(
            "consultation_not_open_yet",
            f"Đợt lấy ý kiến chưa bắt đầu; bắt đầu nhận ý kiến lúc {when}.",
            f"The consultation is not open yet; it opens at {when}.",
        )
    if consultation.status == ConsultationStatus.CLOSED or now >= consultation.closes_at:
        when = format_datetime(consultation.closes_at)
        return UserError(
            "consultation_closed",
            f"Đợt lấy ý kiến đã kết thúc lúc {when}; không nhận thêm ý kiến.",
            f"The consultation closed at {when}; no more opinions are taken.",
        )
    return None


def ensure_accepting(consultation: Consultation, now: datetime | None = None) -> None:
    """Raise a clear error unless the consultation takes opinions at `now`."""
    refusal = accepting_refusal(consultation, now)
    if refusal is not None:
        raise refusal


def scope_org_ids(*, session: Session, consultation_id: int) -> set[int]:
    """Every organisation in the consultation's scope (the scope roots' subtrees)."""
    roots = session.execute(
        select(Organisation.tree_path)
        .join(ConsultationScope, ConsultationScope.organisation_id == Organisation.id)
        .where(ConsultationScope.consultation_id == consultation_id)
    ).scalars()
    ids: set[int] = set()
    for prefix in roots:
        ids.update(
            session.execute(
                select(Organisation.id).where(Organisation.tree_path.startswith(prefix))
            ).scalars()
        )
    return ids


def person_in_scope(*, session: Session, consultation_id: int, person_id: int) -> bool:
    scope = scope_org_ids(session=session, consultation_id=consultation_id)
    return any(
        org.id in scope for org in accounts.organisations_of(session=session, person_id=person_id)
    )


def checked_subcommittee_name(name: str) -> str:
    name = vt.collapse_spaces(vt.clean(name))
    if not name or len(name) > 300:
        raise UserError(
            "subcommittee_name_invalid",
            "Tên tiểu ban phải có từ 1 đến 300 ký tự.",
            "A subcommittee name must have 1 to 300 characters.",
        )
    return name


def add_subcommittee(
    *,
    session: Session,
    consultation_id: int,
    organisation_id: int,
    name: str,
    section_ids: list[int],
    actor_person_id: int | None = None,
) -> Subcommittee:
    """A subcommittee that handles the given sections of the consultation's draft version."""
    consultation = get(session=session, consultation_id=consultation_id)
    orgs.get(session=session, organisation_id=organisation_id)
    name = checked_subcommittee_name(name)
    wanted = set(section_ids)
    found = set(
        session.execute(
            select(Section.id).where(
                Section.id.in_(wanted), Section.version_id == consultation.draft_version_id
            )
        ).scalars()
    )
    if wanted - found:
        missing = ", ".join(str(i) for i in sorted(wanted - found))
        raise UserError(
            "section_not_in_draft",
            f"Các mục sau không thuộc dự thảo của đợt lấy ý kiến: {missing}.",
            f"These sections are not in the consultation's draft: {missing}.",
        )
    subcommittee = Subcommittee(
        consultation_id=consultation_id, organisation_id=organisation_id, name=name
    )
    session.add(subcommittee)
    session.flush()
    session.add_all(
        SubcommitteeSection(subcommittee_id=subcommittee.id, section_id=section_id)
        for section_id in sorted(wanted)
    )
    audit.record(
        session=session,
        action="subcommittee.created",
        entity_type="subcommittee",
        entity_id=subcommittee.id,
        actor_person_id=actor_person_id,
        payload={"consultation_id": consultation_id, "name": name, "sections": sorted(wanted)},
    )
    return subcommittee


def create_with_draft(
    *,
    session: Session,
    title: str,
    organiser_id: int,
    opens_at: datetime,
    closes_at: datetime,
    draft_version_id: int | None = None,
    draft_data: bytes | None = None,
    draft_filename: str = "",
    draft_kind: str = DraftKind.OTHER,
    max_upload_bytes: int = 20_000_000,
    scope_organisation_ids: list[int] | None = None,
    description: str = "",
    allow_anonymous: bool = False,
    opinions_public: bool = True,
    identity_required: bool | None = None,
    count_spoken_only: bool = True,
    publish: bool = False,
    parent_id: int | None = None,
    actor_person_id: int | None = None,
) -> Consultation:
    """A consultation on an existing draft version, or on a draft file uploaded with it (a child
    of `parent_id` defaults to the parent's version).

    Everything is written in the caller's transaction; on an error the caller rolls back and
    no draft is left without its consultation.
    """
    title = checked_title(title)
    check_window(opens_at, closes_at)
    if parent_id is not None and draft_version_id is None and draft_data is None:
        draft_version_id = get(session=session, consultation_id=parent_id).draft_version_id
    checked_policy(allow_anonymous, identity_required)  # before any draft is stored
    if (draft_version_id is None) == (draft_data is None):
        raise UserError(
            "draft_source_invalid",
            "Hãy tải lên một tệp dự thảo hoặc chọn một dự thảo có sẵn (chỉ một trong hai).",
            "Upload a draft file or choose an existing draft (one of the two, not both).",
        )
    orgs.get(session=session, organisation_id=organiser_id)
    if draft_data is not None:
        parsed = drafts.parse_upload(draft_data, draft_filename, max_bytes=max_upload_bytes)
        draft = drafts.create_draft(
            session=session,
            title=(parsed.title or title)[:500],
            kind=draft_kind,
            organisation_id=organiser_id,
            actor_person_id=actor_person_id,
        )
        version = drafts.import_version(
            session=session,
            draft_id=draft.id,
            data=draft_data,
            filename=draft_filename,
            max_bytes=max_upload_bytes,
            actor_person_id=actor_person_id,
        )
        draft_version_id = version.id
    assert draft_version_id is not None
    consultation = create(
        session=session,
        title=title,
        draft_version_id=draft_version_id,
        organiser_id=organiser_id,
        opens_at=opens_at,
        closes_at=closes_at,
        scope_organisation_ids=scope_organisation_ids,
        description=description,
        allow_anonymous=allow_anonymous,
        opinions_public=opinions_public,
        identity_required=identity_required,
        count_spoken_only=count_spoken_only,
        parent_id=parent_id,
        actor_person_id=actor_person_id,
    )
    if publish:
        open_(session=session, consultation_id=consultation.id, actor_person_id=actor_person_id)
    return consultation


def authority_paths(*, session: Session, consultation_id: int) -> list[str]:
    """Tree paths of the organiser and the scope roots; a role over one of them runs it."""
    consultation = get(session=session, consultation_id=consultation_id)
    organiser = orgs.get(session=session, organisation_id=consultation.organiser_id)
    scope_paths = session.execute(
        select(Organisation.tree_path)
        .join(ConsultationScope, ConsultationScope.organisation_id == Organisation.id)
        .where(ConsultationScope.consultation_id == consultation_id)
    ).scalars()
    return list(dict.fromkeys([organiser.tree_path, *scope_paths]))


@dataclass(frozen=True, slots=True)
class ManagedConsultation:
    """A consultation as the secretariat lists it."""

    consultation: Consultation
    organiser_name: str
    draft_title: str
    version_number: int
    # tree paths of the organiser and the scope roots (see authority_paths)
    authority_paths: tuple[str, ...]
    draft_id: int = 0


def taking_part(*, session: Session, roots: Iterable[str]) -> list[ManagedConsultation]:
    """Consultations whose organiser or a scope root lies above one of the tree paths `roots`
    (not at it): those a unit inside the scope takes part in without running them."""
    units = set(roots)
    above = {root[: i + 1] for root in units for i, ch in enumerate(root) if ch == "/" and i}
    return [
        item
        for item in managed_under(session=session, roots=above - units)
        if any(unit.startswith(path) for path in item.authority_paths for unit in units)
        and not any(path.startswith(unit) for path in item.authority_paths for unit in units)
    ]


def managed_under(*, session: Session, roots: Iterable[str]) -> list[ManagedConsultation]:
    """Consultations whose organiser or a scope root lies under one of the tree paths `roots`.

    Newest window first; drafts (not yet published) included.
    """
    prefixes = sorted(set(roots))
    if not prefixes:
        return []
    scope_org = aliased(Organisation)
    scoped = (
        select(ConsultationScope.consultation_id)
        .join(scope_org, scope_org.id == ConsultationScope.organisation_id)
        .where(or_(*(scope_org.tree_path.startswith(p) for p in prefixes)))
    )
    rows = session.execute(
        select(
            Consultation,
            Organisation.name,
            Organisation.tree_path,
            Draft.title,
            DraftVersion.number,
            Draft.id,
        )
        .join(Organisation, Organisation.id == Consultation.organiser_id)
        .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .where(
            or_(
                *(Organisation.tree_path.startswith(p) for p in prefixes),
                Consultation.id.in_(scoped),
            )
        )
        .order_by(Consultation.opens_at.desc(), Consultation.id.desc())
    ).all()
    ids = [row[0].id for row in rows]
    paths: dict[int, list[str]] = {}
    if ids:
        scope_rows = session.execute(
            select(ConsultationScope.consultation_id, scope_org.tree_path)
            .join(scope_org, scope_org.id == ConsultationScope.organisation_id)
            .where(ConsultationScope.consultation_id.in_(ids))
        )
        for consultation_id, tree_path in scope_rows:
            paths.setdefault(consultation_id, []).append(tree_path)
    return [
        ManagedConsultation(
            c,
            organiser,
            draft_title,
            number,
            tuple(dict.fromkeys([organiser_path, *paths.get(c.id, [])])),
            draft_id,
        )
        for c, organiser, organiser_path, draft_title, number, draft_id in rows
    ]


def published_version_ids(*, session: Session, version_ids: list[int]) -> set[int]:
    """Those of the versions that a published (open or closed) consultation puts before readers."""
    if not version_ids:
        return set()
    return set(
        session.execute(
            select(Consultation.draft_version_id).where(
                Consultation.draft_version_id.in_(version_ids),
                Consultation.status != ConsultationStatus.DRAFT,
            )
        ).scalars()
    )


def accepting(consultation: Consultation, now: datetime) -> bool:
    """Open and within its window at `now`."""
    return (
        consultation.status == ConsultationStatus.OPEN
        and consultation.opens_at <= now < consultation.closes_at
    )


@dataclass(frozen=True, slots=True)
class PublishedConsultation:
    """A published consultation as the public list shows it."""

    consultation: Consultation
    version: DraftVersion
    draft: Draft
    organiser_name: str


def published(
    *, session: Session, consultation_id: int | None = None
) -> list[PublishedConsultation]:
    """Published consultations (open or closed), the latest window first."""
    query = (
        select(Consultation, DraftVersion, Draft, Organisation.name)
        .join(DraftVersion, DraftVersion.id == Consultation.draft_version_id)
        .join(Draft, Draft.id == DraftVersion.draft_id)
        .join(Organisation, Organisation.id == Consultation.organiser_id)
        .where(Consultation.status != ConsultationStatus.DRAFT)
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    )
    if consultation_id is not None:
        query = query.where(Consultation.id == consultation_id)
    return [PublishedConsultation(*row) for row in session.execute(query)]
