"""Opinion intake and moderation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.accounts.models import Membership, Person
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation, ConsultationScope
from ykien.db import bulk
from ykien.db.base import utcnow
from ykien.drafts.models import Section
from ykien.errors import Conflict, NotFound, UserError
from ykien.opinions import integrity, search
from ykien.opinions.models import Channel, Opinion, OpinionKind, OpinionStatus
from ykien.orgs.models import Organisation

MAX_QUOTE = 2_000
MAX_NAME = 200
MAX_KEY = 200
MAX_REASON = 1_000
# receipt codes use Crockford's base32: no I, L, O or U to misread
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@dataclass(frozen=True, slots=True)
class SubmitResult:
    opinion: Opinion
    created: bool  # False when an earlier submission with the same idempotency key was returned


def content_hash(text: str) -> str:
    """Hash of the text with case and spacing normalised: equal hashes are exact duplicates."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8")).hexdigest()


def receipt_codes(count: int) -> list[str]:
    """`count` random receipt codes of 60 bits each, like "YK-7F3Q-M2KD-9XWA"."""
    raw = base64.b32encode(secrets.token_bytes(-(-count * 12 // 8) * 5)).decode()
    raw = raw.translate(_CROCKFORD)
    return [
        f"YK-{raw[i : i + 4]}-{raw[i + 4 : i + 8]}-{raw[i + 8 : i + 12]}"
        for i in range(0, count * 12, 12)
    ]


def _too_long(field_vi: str, field_en: str, limit: int) -> UserError:
    return UserError(
        "too_long",
        f"{field_vi} dài quá {limit:,} ký tự.".replace(",", "."),
        f"{field_en} is longer than {limit:,} characters.",
    )


def clean_text(value: str, *, limit: int, field_vi: str, field_en: str) -> str:
    """NFC, control characters stripped, checked against limit (in characters)."""
    cleaned = vt.clean(value)
    if len(cleaned) > limit:
        raise _too_long(field_vi, field_en, limit)
    return cleaned


def locate_quote(section_text: str, quote: str, start: int | None = None) -> tuple[int, int]:
    """Offsets of quote in the section's text; whitespace differences are tolerated."""
    if start is not None and section_text[start : start + len(quote)] == quote:
        return start, start + len(quote)
    found = section_text.find(quote)
    if found >= 0:
        return found, found + len(quote)
    words = quote.split()
    if words:
        pattern = r"\s+".join(re.escape(word) for word in words)
        match = re.search(pattern, section_text)
        if match:
            return match.start(), match.end()
    raise UserError(
        "quote_not_in_section",
        "Đoạn trích dẫn không có trong nội dung của mục đã chọn.",
        "The quoted passage does not occur in the chosen section's text.",
    )


@dataclass(frozen=True, slots=True)
class Submission:
    """One opinion to record, as given (submit_many validates it)."""

    consultation_id: int
    text: str
    kind: str = OpinionKind.COMMENT
    section_id: int | None = None
    quote: str | None = None
    quote_start: int | None = None
    proposed_wording: str | None = None
    author_person_id: int | None = None
    author_name: str | None = None
    anonymous: bool = False
    on_behalf_of_id: int | None = None
    channel: str = Channel.ONLINE
    event_id: int | None = None
    idempotency_key: str | None = None
    max_chars: int = 10_000


class _Lookups:
    """What a batch of submissions reads, fetched in a few queries for the whole batch."""

    def __init__(self, session: Session, batch: Sequence[Submission]) -> None:
        self.session = session
        people = {s.author_person_id for s in batch if s.author_person_id and not s.anonymous}
        org_ids = {s.on_behalf_of_id for s in batch if s.on_behalf_of_id is not None}
        section_ids = {s.section_id for s in batch if s.section_id is not None}
        self.people: dict[int, tuple[str, int | None]] = {}  # id -> (name, home organisation)
        self.paths: dict[int, list[str]] = {}  # person -> tree paths of their organisations
        if people:
            for person_id, name, home in session.execute(
                select(Person.id, Person.full_name, Person.organisation_id).where(
                    Person.id.in_(people)
                )
            ):
                self.people[person_id] = (name, home)
                self.paths[person_id] = []
                if home is not None:
                    org_ids.add(home)
            for person_id, path in session.execute(
                select(Membership.person_id, Organisation.tree_path)
                .join(Organisation, Organisation.id == Membership.organisation_id)
                .where(Membership.person_id.in_(people))
            ):
                self.paths[person_id].append(path)
        self.orgs: dict[int, tuple[str, str]] = {}  # id -> (name, tree path)
        if org_ids:
            for org_id, name, path in session.execute(
                select(Organisation.id, Organisation.name, Organisation.tree_path).where(
                    Organisation.id.in_(org_ids)
                )
            ):
                self.orgs[org_id] = (name, path)
        for person_id, (_name, home) in self.people.items():
            if home in self.orgs:
                self.paths[person_id].append(self.orgs[home][1])
        self.sections: dict[int, Section] = {}
        if section_ids:
            found = session.execute(select(Section).where(Section.id.in_(section_ids)))
            self.sections = {section.id: section for section in found.scalars()}
        self._roots: dict[int, tuple[str, ...]] = {}
        self._consultations: dict[int, Consultation] = {}

    def consultation(self, consultation_id: int) -> Consultation:
        # held here: the session's identity map holds objects weakly, so it would load it again
        if consultation_id not in self._consultations:
            self._consultations[consultation_id] = consultations.get(
                session=self.session, consultation_id=consultation_id
            )
        return self._consultations[consultation_id]

    def _scope_roots(self, consultation_id: int) -> tuple[str, ...]:
        if consultation_id not in self._roots:
            self._roots[consultation_id] = tuple(
                self.session.execute(
                    select(Organisation.tree_path)
                    .join(ConsultationScope, ConsultationScope.organisation_id == Organisation.id)
                    .where(ConsultationScope.consultation_id == consultation_id)
                ).scalars()
            )
        return self._roots[consultation_id]

    def in_scope(self, consultation_id: int, paths: Iterable[str]) -> bool:
        """True if one of the tree paths lies in the consultation's scope (a root's subtree)."""
        roots = self._scope_roots(consultation_id)
        return any(path.startswith(root) for path in paths for root in roots)

    def person_in_scope(self, consultation_id: int, person_id: int) -> bool:
        return self.in_scope(consultation_id, self.paths.get(person_id, ()))

    def org_in_scope(self, consultation_id: int, org_id: int) -> bool:
        org = self.orgs.get(org_id)
        return org is not None and self.in_scope(consultation_id, [org[1]])


def _check_author(
    lookups: _Lookups,
    consultation: Consultation,
    *,
    author_person_id: int | None,
    author_name: str | None,
    on_behalf_of_id: int | None,
    anonymous: bool,
    channel: str,
) -> None:
    if anonymous:
        if not consultation.allow_anonymous:
            raise UserError(
                "anonymous_not_allowed",
                "Đợt lấy ý kiến này không nhận ý kiến ẩn danh; vui lòng đăng nhập.",
                "This consultation does not accept anonymous opinions; please sign in.",
            )
        return
    if author_person_id is not None:
        if not lookups.person_in_scope(consultation.id, author_person_id):
            raise UserError(
                "author_out_of_scope",
                "Bạn không thuộc phạm vi các tổ chức được lấy ý kiến trong đợt này.",
                "You are not a member of the organisations this consultation is open to.",
            )
        return
    if channel == Channel.ONLINE:
        raise UserError(
            "author_required",
            "Cần đăng nhập để gửi ý kiến (hoặc gửi ẩn danh nếu đợt lấy ý kiến cho phép).",
            "Sign in to submit (or submit anonymously where the consultation allows it).",
        )
    if on_behalf_of_id is None and not author_name and consultation.identity_required:
        raise UserError(
            "author_required",
            "Cần ghi rõ người hoặc tổ chức nêu ý kiến.",
            "Name the person or the organisation who gave this opinion.",
        )


def _existing_by_key(session: Session, consultation_id: int, key: str) -> Opinion | None:
    return session.execute(
        select(Opinion).where(
            Opinion.consultation_id == consultation_id, Opinion.idempotency_key == key
        )
    ).scalar_one_or_none()


def _existing_by_keys(
    session: Session, batch: Sequence[Submission]
) -> dict[tuple[int, str], Opinion]:
    """Opinions already stored under the batch's (consultation, idempotency key) pairs."""
    wanted = {(s.consultation_id, vt.clean(s.idempotency_key)) for s in batch if s.idempotency_key}
    if not wanted:
        return {}
    found = session.execute(
        select(Opinion).where(
            Opinion.consultation_id.in_({cid for cid, _key in wanted}),
            Opinion.idempotency_key.in_({key for _cid, key in wanted}),
        )
    ).scalars()
    return {
        (opinion.consultation_id, opinion.idempotency_key or ""): opinion
        for opinion in found
        if (opinion.consultation_id, opinion.idempotency_key) in wanted
    }


def _replay(existing: Opinion, digest: str, author_person_id: int | None) -> SubmitResult:
    """The first result for a retried key; the same key from someone else or for other text
    is refused."""
    if existing.content_hash != digest or existing.author_person_id != author_person_id:
        raise Conflict(
            "idempotency_key_reused",
            "Mã chống gửi trùng này đã được dùng cho một ý kiến có nội dung khác.",
            "This idempotency key was already used for an opinion with different content.",
        )
    return SubmitResult(existing, created=False)


@dataclass(slots=True)
class _Retry:
    """A submission whose key an earlier one of the same batch is storing: answered with it."""

    first: int  # index of that earlier submission
    digest: str
    author_person_id: int | None


def _check_kind_and_channel(s: Submission) -> None:
    if s.kind not in set(OpinionKind):
        raise UserError(
            "kind_invalid",
            f"Loại ý kiến không hợp lệ: {s.kind}.",
            f"Unknown opinion kind: {s.kind}.",
        )
    if s.channel not in set(Channel):
        raise UserError(
            "channel_invalid",
            f"Kênh không hợp lệ: {s.channel}.",
            f"Unknown channel: {s.channel}.",
        )


def _quote_of(
    lookups: _Lookups, consultation: Consultation, s: Submission
) -> tuple[str | None, tuple[int | None, int | None]]:
    """The quoted passage as it stands in the section, and its span there."""
    quote_text: str | None = None
    span: tuple[int | None, int | None] = (None, None)
    if s.section_id is not None:
        section = lookups.sections.get(s.section_id)
        if section is None or section.version_id != consultation.draft_version_id:
            raise UserError(
                "section_not_in_draft",
                "Mục được chọn không thuộc dự thảo của đợt lấy ý kiến này.",
                "The chosen section is not part of this consultation's draft.",
            )
        if s.quote:
            quote_text = clean_text(
                s.quote, limit=MAX_QUOTE, field_vi="Đoạn trích dẫn", field_en="The quote"
            )
            span = locate_quote(section.text, quote_text, s.quote_start)
            quote_text = section.text[span[0] : span[1]]
    elif s.quote:
        raise UserError(
            "quote_without_section",
            "Muốn trích dẫn, hãy chọn mục của dự thảo chứa đoạn trích.",
            "To quote a passage, choose the section it comes from.",
        )
    return quote_text, span


def _wording_of(s: Submission) -> str | None:
    return (
        clean_text(
            s.proposed_wording,
            limit=s.max_chars,
            field_vi="Đề xuất sửa",
            field_en="Proposed wording",
        )
        or None
        if s.proposed_wording
        else None
    )


def _search_keys(
    lookups: _Lookups, s: Submission, body: str, author_person_id: int | None, name: str | None
) -> tuple[str, str]:
    """The opinion's search keys over its text, its author's name and its organisation."""
    person = lookups.people.get(author_person_id) if author_person_id is not None else None
    org_id = s.on_behalf_of_id if s.on_behalf_of_id is not None else person and person[1]
    organisation = lookups.orgs.get(org_id) if org_id is not None else None
    return search.document_keys(
        body,
        person[0] if person is not None else (None if s.anonymous else name),
        organisation[0] if organisation is not None else None,
    )


def _prepare(
    lookups: _Lookups,
    submission: Submission,
    now: datetime,
    existing: dict[tuple[int, str], Opinion],
    claimed: dict[tuple[int, str], int],
) -> dict[str, Any] | SubmitResult | _Retry:
    """Validate one submission: the row of a new opinion, a replay or a retry in-batch."""
    s = submission
    author_person_id = None if s.anonymous else s.author_person_id
    body = clean_text(s.text, limit=s.max_chars, field_vi="Ý kiến", field_en="The opinion")
    if not body:
        raise UserError("opinion_empty", "Ý kiến không được để trống.", "The opinion is empty.")
    digest = content_hash(body)
    key = vt.clean(s.idempotency_key) if s.idempotency_key else None
    if key is not None:
        if len(key) > MAX_KEY:
            raise _too_long("Mã chống gửi trùng", "The idempotency key", MAX_KEY)
        if (s.consultation_id, key) in existing:
            return _replay(existing[s.consultation_id, key], digest, author_person_id)
        if (s.consultation_id, key) in claimed:
            return _Retry(claimed[s.consultation_id, key], digest, author_person_id)
    _check_kind_and_channel(s)
    consultation = lookups.consultation(s.consultation_id)
    consultations.ensure_accepting(consultation, now)
    name = (
        clean_text(s.author_name, limit=MAX_NAME, field_vi="Họ tên", field_en="The name")
        if s.author_name
        else None
    )
    _check_author(
        lookups,
        consultation,
        author_person_id=author_person_id,
        author_name=name,
        on_behalf_of_id=s.on_behalf_of_id,
        anonymous=s.anonymous,
        channel=s.channel,
    )
    if s.on_behalf_of_id is not None and not lookups.org_in_scope(
        consultation.id, s.on_behalf_of_id
    ):
        raise UserError(
            "organisation_out_of_scope",
            "Tổ chức này không thuộc phạm vi lấy ý kiến của đợt này.",
            "This organisation is not within the consultation's scope.",
        )
    quote_text, span = _quote_of(lookups, consultation, s)
    wording = _wording_of(s)
    search_fold, search_tone = _search_keys(lookups, s, body, author_person_id, name)
    return {
        "consultation_id": s.consultation_id,
        "section_id": s.section_id,
        "quote": quote_text,
        "quote_start": span[0],
        "quote_end": span[1],
        "text": body,
        "kind": str(s.kind),
        "proposed_wording": wording,
        "author_person_id": author_person_id,
        "author_name": None if s.anonymous else name,
        "on_behalf_of_id": s.on_behalf_of_id,
        "channel": str(s.channel),
        "event_id": s.event_id,
        "submitted_at": now,
        "status": str(
            OpinionStatus.PUBLISHED if consultation.opinions_public else OpinionStatus.RECEIVED
        ),
        "idempotency_key": key,
        "content_hash": digest,
        "search_fold": search_fold,
        "search_tone": search_tone,
        "receipt_code": "",  # given when stored
    }


def _store(
    session: Session, fresh: dict[int, dict[str, Any]]
) -> dict[int, SubmitResult | UserError]:
    """Insert the new opinions in one round of statements; when another writer stored one of
    their keys meanwhile, one at a time, answering those with the stored opinion."""
    for row, code in zip(fresh.values(), receipt_codes(len(fresh)), strict=True):
        row["receipt_code"] = code
    try:
        with session.begin_nested():
            stored = bulk.add_many(session, Opinion, list(fresh.values()))
        return {
            index: SubmitResult(opinion, created=True)
            for index, opinion in zip(fresh, stored, strict=True)
        }
    except IntegrityError:
        if len(fresh) == 1 and next(iter(fresh.values()))["idempotency_key"] is None:
            raise
    outcomes: dict[int, SubmitResult | UserError] = {}
    for index, row in fresh.items():
        try:
            with session.begin_nested():
                (opinion,) = bulk.add_many(session, Opinion, [row])
            outcomes[index] = SubmitResult(opinion, created=True)
        except IntegrityError:
            key = row["idempotency_key"]
            existing = _existing_by_key(session, row["consultation_id"], key) if key else None
            if existing is None:
                raise
            try:
                outcomes[index] = _replay(existing, row["content_hash"], row["author_person_id"])
            except UserError as error:
                outcomes[index] = error
    return outcomes


def submit_many(
    *, session: Session, submissions: Sequence[Submission], now: datetime | None = None
) -> list[SubmitResult | UserError]:
    """Validate and record a batch of opinions in a few statements; one outcome per submission.

    A submission that is refused gets its UserError and does not affect the others; a repeated
    idempotency key (stored before, or earlier in the same batch) gets the first result. The
    caller commits (see opinions.intake for the durable boundary).
    """
    now = now or utcnow()
    lookups = _Lookups(session, submissions)
    existing = _existing_by_keys(session, submissions)
    claimed: dict[tuple[int, str], int] = {}
    outcomes: list[SubmitResult | UserError | _Retry | None] = [None] * len(submissions)
    fresh: dict[int, dict[str, Any]] = {}
    for index, submission in enumerate(submissions):
        try:
            prepared = _prepare(lookups, submission, now, existing, claimed)
        except UserError as error:
            outcomes[index] = error
            continue
        if isinstance(prepared, dict):
            fresh[index] = prepared
            if prepared["idempotency_key"] is not None:
                claimed[submission.consultation_id, prepared["idempotency_key"]] = index
        else:
            outcomes[index] = prepared
    if fresh:
        stored = _store(session, fresh)
        for index, outcome in stored.items():
            outcomes[index] = outcome
        created = [
            (outcome.opinion, fresh[index])
            for index, outcome in stored.items()
            if isinstance(outcome, SubmitResult) and outcome.created
        ]
        audit.record_many(
            session=session,
            events=[
                audit.NewEvent(
                    action="opinion.received",
                    entity_type="opinion",
                    entity_id=opinion.id,
                    actor_person_id=opinion.author_person_id,
                    payload={
                        "consultation_id": opinion.consultation_id,
                        "section_id": opinion.section_id,
                        "channel": opinion.channel,
                        "content_hash": opinion.content_hash,
                        "receipt": opinion.receipt_code,
                        "row": integrity.row_digest({**row, "id": opinion.id}),
                    },
                    occurred_at=now,
                )
                for opinion, row in created
            ],
        )
    return [_resolve(outcome, outcomes) for outcome in outcomes]


def _resolve(
    outcome: SubmitResult | UserError | _Retry | None,
    outcomes: list[SubmitResult | UserError | _Retry | None],
) -> SubmitResult | UserError:
    """An in-batch retry answered like a retry after the first submission's commit."""
    if isinstance(outcome, _Retry):
        first = outcomes[outcome.first]
        if not isinstance(first, SubmitResult):
            assert isinstance(first, UserError)
            return first
        try:
            return _replay(first.opinion, outcome.digest, outcome.author_person_id)
        except UserError as error:
            return error
    assert outcome is not None
    return outcome


def submit(*, session: Session, now: datetime | None = None, **fields: Any) -> SubmitResult:
    """Validate and record one opinion (see Submission for the fields); a repeated idempotency
    key returns the first result. Raises the UserError of a refused submission.

    The caller commits (see opinions.intake for the durable boundary).
    """
    (outcome,) = submit_many(session=session, submissions=[Submission(**fields)], now=now)
    if isinstance(outcome, UserError):
        raise outcome
    return outcome


def get(*, session: Session, opinion_id: int) -> Opinion:
    opinion = session.get(Opinion, opinion_id)
    if opinion is None:
        raise NotFound(
            "opinion_not_found",
            f"Không có ý kiến số {opinion_id}.",
            f"Opinion {opinion_id} does not exist.",
        )
    return opinion


def hide(
    *, session: Session, opinion_id: int, reason: str, actor_person_id: int | None = None
) -> Opinion:
    """Hide an opinion from public view with a reason; it is kept and still counted."""
    opinion = get(session=session, opinion_id=opinion_id)
    reason = clean_text(reason, limit=MAX_REASON, field_vi="Lý do", field_en="The reason")
    if not reason:
        raise UserError(
            "reason_required",
            "Cần nêu lý do ẩn ý kiến.",
            "Give a reason for hiding the opinion.",
        )
    if opinion.status == OpinionStatus.HIDDEN:
        return opinion
    previous = opinion.status
    opinion.status = OpinionStatus.HIDDEN
    opinion.hidden_reason = reason
    audit.record(
        session=session,
        action="opinion.hidden",
        entity_type="opinion",
        entity_id=opinion.id,
        actor_person_id=actor_person_id,
        payload={"reason": reason, "previous_status": previous},
    )
    return opinion


def restore(*, session: Session, opinion_id: int, actor_person_id: int | None = None) -> Opinion:
    """Undo a hide: the opinion goes back to the status its consultation's policy gives."""
    opinion = get(session=session, opinion_id=opinion_id)
    if opinion.status != OpinionStatus.HIDDEN:
        return opinion
    consultation = consultations.get(session=session, consultation_id=opinion.consultation_id)
    opinion.status = (
        OpinionStatus.PUBLISHED if consultation.opinions_public else OpinionStatus.RECEIVED
    )
    opinion.hidden_reason = None
    audit.record(
        session=session,
        action="opinion.restored",
        entity_type="opinion",
        entity_id=opinion.id,
        actor_person_id=actor_person_id,
        payload={"status": opinion.status},
    )
    return opinion
