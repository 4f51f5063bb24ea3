"""Opinion intake and moderation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ykien import text as vt
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.drafts.models import Section
from ykien.errors import Conflict, NotFound, UserError
from ykien.opinions import search
from ykien.opinions.models import Channel, Opinion, OpinionKind, OpinionStatus

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


def _check_author(
    session: Session,
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
        if not consultations.person_in_scope(
            session=session, consultation_id=consultation.id, person_id=author_person_id
        ):
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


def _check_on_behalf_of(session: Session, consultation_id: int, org_id: int | None) -> None:
    if org_id is None:
        return
    if org_id not in consultations.scope_org_ids(session=session, consultation_id=consultation_id):
        raise UserError(
            "organisation_out_of_scope",
            "Tổ chức này không thuộc phạm vi lấy ý kiến của đợt này.",
            "This organisation is not within the consultation's scope.",
        )


def _section_of(session: Session, consultation: Consultation, section_id: int) -> Section:
    section = session.get(Section, section_id)
    if section is None or section.version_id != consultation.draft_version_id:
        raise UserError(
            "section_not_in_draft",
            "Mục được chọn không thuộc dự thảo của đợt lấy ý kiến này.",
            "The chosen section is not part of this consultation's draft.",
        )
    return section


def _existing_by_key(session: Session, consultation_id: int, key: str) -> Opinion | None:
    return session.execute(
        select(Opinion).where(
            Opinion.consultation_id == consultation_id, Opinion.idempotency_key == key
        )
    ).scalar_one_or_none()


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


def submit(
    *,
    session: Session,
    consultation_id: int,
    text: str,
    kind: str = OpinionKind.COMMENT,
    section_id: int | None = None,
    quote: str | None = None,
    quote_start: int | None = None,
    proposed_wording: str | None = None,
    author_person_id: int | None = None,
    author_name: str | None = None,
    anonymous: bool = False,
    on_behalf_of_id: int | None = None,
    channel: str = Channel.ONLINE,
    event_id: int | None = None,
    idempotency_key: str | None = None,
    max_chars: int = 10_000,
    now: datetime | None = None,
) -> SubmitResult:
    """Validate and record one opinion; a repeated idempotency key returns the first result.

    The caller commits (see opinions.intake.receive for the durable boundary).
    """
    now = now or utcnow()
    body = clean_text(text, limit=max_chars, field_vi="Ý kiến", field_en="The opinion")
    if not body:
        raise UserError("opinion_empty", "Ý kiến không được để trống.", "The opinion is empty.")
    digest = content_hash(body)
    key = vt.clean(idempotency_key) if idempotency_key else None
    if key is not None:
        if len(key) > MAX_KEY:
            raise _too_long("Mã chống gửi trùng", "The idempotency key", MAX_KEY)
        existing = _existing_by_key(session, consultation_id, key)
        if existing is not None:
            return _replay(existing, digest, None if anonymous else author_person_id)
    if kind not in set(OpinionKind):
        raise UserError(
            "kind_invalid", f"Loại ý kiến không hợp lệ: {kind}.", f"Unknown opinion kind: {kind}."
        )
    if channel not in set(Channel):
        raise UserError(
            "channel_invalid", f"Kênh không hợp lệ: {channel}.", f"Unknown channel: {channel}."
        )
    consultation = consultations.get(session=session, consultation_id=consultation_id)
    consultations.ensure_accepting(consultation, now)
    name = (
        clean_text(author_name, limit=MAX_NAME, field_vi="Họ tên", field_en="The name")
        if author_name
        else None
    )
    _check_author(
        session,
        consultation,
        author_person_id=None if anonymous else author_person_id,
        author_name=name,
        on_behalf_of_id=on_behalf_of_id,
        anonymous=anonymous,
        channel=channel,
    )
    _check_on_behalf_of(session, consultation_id, on_behalf_of_id)
    quote_text: str | None = None
    span: tuple[int | None, int | None] = (None, None)
    if section_id is not None:
        section = _section_of(session, consultation, section_id)
        if quote:
            quote_text = clean_text(
                quote, limit=MAX_QUOTE, field_vi="Đoạn trích dẫn", field_en="The quote"
            )
            span = locate_quote(section.text, quote_text, quote_start)
            quote_text = section.text[span[0] : span[1]]
    elif quote:
        raise UserError(
            "quote_without_section",
            "Muốn trích dẫn, hãy chọn mục của dự thảo chứa đoạn trích.",
            "To quote a passage, choose the section it comes from.",
        )
    wording = (
        clean_text(
            proposed_wording, limit=max_chars, field_vi="Đề xuất sửa", field_en="Proposed wording"
        )
        or None
        if proposed_wording
        else None
    )
    search_fold, search_tone = search.keys_for(
        session=session,
        text=body,
        author_person_id=None if anonymous else author_person_id,
        author_name=None if anonymous else name,
        on_behalf_of_id=on_behalf_of_id,
    )
    opinion = Opinion(
        consultation_id=consultation_id,
        section_id=section_id,
        quote=quote_text,
        quote_start=span[0],
        quote_end=span[1],
        text=body,
        kind=kind,
        proposed_wording=wording,
        author_person_id=None if anonymous else author_person_id,
        author_name=None if anonymous else name,
        on_behalf_of_id=on_behalf_of_id,
        channel=channel,
        event_id=event_id,
        submitted_at=now,
        status=OpinionStatus.PUBLISHED if consultation.opinions_public else OpinionStatus.RECEIVED,
        idempotency_key=key,
        content_hash=digest,
        receipt_code=receipt_codes(1)[0],
        search_fold=search_fold,
        search_tone=search_tone,
    )
    try:
        with session.begin_nested():
            session.add(opinion)
            session.flush()
    except IntegrityError:
        # a concurrent retry with the same key won the race: answer with its opinion
        existing = _existing_by_key(session, consultation_id, key) if key else None
        if existing is None:
            raise
        return _replay(existing, digest, None if anonymous else author_person_id)
    audit.record(
        session=session,
        action="opinion.received",
        entity_type="opinion",
        entity_id=opinion.id,
        actor_person_id=author_person_id if not anonymous else None,
        payload={
            "consultation_id": consultation_id,
            "section_id": section_id,
            "channel": channel,
            "content_hash": digest,
            "receipt": opinion.receipt_code,
        },
        occurred_at=now,
    )
    return SubmitResult(opinion, created=True)


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
