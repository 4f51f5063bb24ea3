import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import NOW, build_world
from ykien.audit import service as audit
from ykien.audit.models import AuditEvent
from ykien.errors import Conflict, UserError
from ykien.opinions import service as opinions
from ykien.opinions.models import Opinion


def _count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Opinion)).scalar_one()


def test_member_submits_on_a_section_with_a_quote(session: Session) -> None:
    world = build_world(session)
    section = world.section("Điều 3")
    khoan = next(s for s in world.sections if s.parent_id == section.id and s.number == "2")
    result = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text="Đề nghị  bổ sung hình thức lấy ý kiến qua ứng dụng di động.",
        kind="add",
        section_id=khoan.id,
        quote="tọa  đàm",
        author_person_id=world.member_a,
        now=NOW,
    )
    opinion = result.opinion
    assert result.created
    assert opinion.quote == "tọa đàm"
    assert khoan.text[opinion.quote_start : opinion.quote_end] == "tọa đàm"
    assert opinion.receipt_code.startswith("YK-") and len(opinion.receipt_code) == 17
    assert opinion.status == "published"
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "opinion.received")
    ).scalar_one()
    assert event.entity_id == opinion.id


def test_text_is_normalised_and_control_characters_stripped(session: Session) -> None:
    world = build_world(session)
    raw = unicodedata.normalize("NFD", "Ý kiến về Đảng uỷ\x00\x07 cơ sở\u200b")
    opinion = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text=raw,
        author_person_id=world.member_a,
        now=NOW,
    ).opinion
    assert opinion.text == "Ý kiến về Đảng uỷ cơ sở"
    assert unicodedata.is_normalized("NFC", opinion.text)


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (NOW - timedelta(days=11), "consultation_not_open_yet"),
        (NOW + timedelta(days=21), "consultation_closed"),
    ],
)
def test_window_is_enforced_with_a_clear_message(session: Session, when: object, code: str) -> None:
    world = build_world(session)
    with pytest.raises(UserError) as caught:
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Góp ý",
            author_person_id=world.member_a,
            now=when,  # type: ignore[arg-type]
        )
    assert caught.value.code == code
    assert "/2025" in caught.value.message_vi  # the date is shown dd/mm/yyyy
    assert _count(session) == 0


def test_unpublished_consultation_refuses(session: Session) -> None:
    world = build_world(session, status="draft")
    with pytest.raises(UserError, match="not been published"):
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Góp ý",
            author_person_id=world.member_a,
            now=NOW,
        )


def test_scope_and_anonymity(session: Session) -> None:
    world = build_world(session)
    with pytest.raises(UserError) as caught:
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Góp ý từ ngoài phạm vi",
            author_person_id=world.outsider_person,
            now=NOW,
        )
    assert caught.value.code == "author_out_of_scope"
    with pytest.raises(UserError) as caught:
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Ẩn danh",
            anonymous=True,
            now=NOW,
        )
    assert caught.value.code == "anonymous_not_allowed"
    assert _count(session) == 0


def test_anonymous_allowed_by_policy_stores_no_author(session: Session) -> None:
    world = build_world(session, allow_anonymous=True)
    opinion = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text="Ý kiến ẩn danh",
        anonymous=True,
        author_person_id=world.member_a,
        now=NOW,
    ).opinion
    assert opinion.author_person_id is None and opinion.author_name is None


def test_section_must_belong_to_the_draft_and_quote_must_occur(session: Session) -> None:
    world = build_world(session)
    other = build_world(session)
    with pytest.raises(UserError) as caught:
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Góp ý",
            section_id=other.sections[1].id,
            author_person_id=world.member_a,
            now=NOW,
        )
    assert caught.value.code == "section_not_in_draft"
    with pytest.raises(UserError) as caught:
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Góp ý",
            section_id=world.section("Điều 1").id,
            quote="câu không có trong điều",
            author_person_id=world.member_a,
            now=NOW,
        )
    assert caught.value.code == "quote_not_in_section"


def test_length_limits(session: Session) -> None:
    world = build_world(session)
    for bad, code in [
        ("", "opinion_empty"),
        ("   \x00 ", "opinion_empty"),
        ("x" * 501, "too_long"),
    ]:
        with pytest.raises(UserError) as caught:
            opinions.submit(
                session=session,
                consultation_id=world.consultation.id,
                text=bad,
                author_person_id=world.member_a,
                max_chars=500,
                now=NOW,
            )
        assert caught.value.code == code


def test_idempotency_key_returns_the_first_result(session: Session) -> None:
    world = build_world(session)
    fields = {
        "session": session,
        "consultation_id": world.consultation.id,
        "text": "Một ý kiến",
        "author_person_id": world.member_a,
        "idempotency_key": "abc-123",
        "now": NOW,
    }
    first = opinions.submit(**fields)  # type: ignore[arg-type]
    again = opinions.submit(**fields)  # type: ignore[arg-type]
    assert first.created and not again.created
    assert again.opinion.id == first.opinion.id
    assert _count(session) == 1
    with pytest.raises(Conflict):
        opinions.submit(**{**fields, "text": "Nội dung khác"})  # type: ignore[arg-type]


def test_offline_channels_need_a_named_source(session: Session) -> None:
    world = build_world(session)
    with pytest.raises(UserError, match="Name the person"):
        opinions.submit(
            session=session, consultation_id=world.consultation.id, text="x", channel="written",
            now=NOW,
        )  # fmt: skip
    opinion = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text="Ý kiến bằng văn bản",
        channel="written",
        on_behalf_of_id=world.unit_b.id,
        now=NOW,
    ).opinion
    assert opinion.on_behalf_of_id == world.unit_b.id
    with pytest.raises(UserError, match="scope"):
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text="Ý kiến bằng văn bản",
            channel="written",
            on_behalf_of_id=world.outsider.id,
            now=NOW,
        )


def test_hide_and_restore_keep_the_opinion_and_audit_both(session: Session) -> None:
    world = build_world(session)
    opinion = opinions.submit(
        session=session,
        consultation_id=world.consultation.id,
        text="Nội dung xúc phạm",
        author_person_id=world.member_a,
        now=NOW,
    ).opinion
    with pytest.raises(UserError):
        opinions.hide(session=session, opinion_id=opinion.id, reason="  ")
    opinions.hide(session=session, opinion_id=opinion.id, reason="Ngôn từ không phù hợp")
    assert opinion.status == "hidden" and opinion.hidden_reason == "Ngôn từ không phù hợp"
    opinions.restore(session=session, opinion_id=opinion.id)
    assert opinion.status == "published" and opinion.hidden_reason is None
    actions = session.execute(
        text("select action from audit_events where entity_type = 'opinion' order by id")
    ).scalars()
    assert list(actions) == ["opinion.received", "opinion.hidden", "opinion.restored"]
    assert _count(session) == 1


# --- batches (submit_many) -----------------------------------------------------------------


def test_a_batch_records_the_valid_and_refuses_the_rest_one_by_one(session: Session) -> None:
    world = build_world(session)
    cid = world.consultation.id
    first = opinions.submit(
        session=session,
        consultation_id=cid,
        text="Ý kiến gửi trước",
        author_person_id=world.member_a,
        idempotency_key="truoc",
        now=NOW,
    ).opinion
    batch = [
        opinions.Submission(cid, "Ý kiến một", author_person_id=world.member_a),
        opinions.Submission(cid, "   ", author_person_id=world.member_a),
        opinions.Submission(cid, "Người ngoài", author_person_id=world.outsider_person),
        opinions.Submission(
            cid, "Ý kiến hai", author_person_id=world.member_a, idempotency_key="k"
        ),
        # the same key again in the same batch: answered with the first one's opinion
        opinions.Submission(
            cid, "Ý kiến  hai", author_person_id=world.member_a, idempotency_key="k"
        ),
        # the same key for other text: refused
        opinions.Submission(
            cid, "Nội dung khác", author_person_id=world.member_a, idempotency_key="k"
        ),
        # a key stored by an earlier transaction: its first result
        opinions.Submission(
            cid, "Ý kiến gửi trước", author_person_id=world.member_a, idempotency_key="truoc"
        ),
        opinions.Submission(cid, "Sai mục", author_person_id=world.member_a, section_id=10**6),
    ]
    before = _count(session)
    out = opinions.submit_many(session=session, submissions=batch, now=NOW)
    assert [type(o).__name__ for o in out] == [
        "SubmitResult", "UserError", "UserError", "SubmitResult", "SubmitResult", "Conflict",
        "SubmitResult", "UserError",
    ]  # fmt: skip
    ok = [o for o in out if isinstance(o, opinions.SubmitResult)]
    assert [o.created for o in ok] == [True, True, False, False]
    assert ok[1].opinion.id == ok[2].opinion.id and ok[3].opinion.id == first.id
    assert [o.code for o in out if isinstance(o, UserError)] == [
        "opinion_empty", "author_out_of_scope", "idempotency_key_reused", "section_not_in_draft",
    ]  # fmt: skip
    assert _count(session) == before + 2
    stored = session.get(Opinion, ok[0].opinion.id)
    assert stored is not None and stored.text == "Ý kiến một" and stored.receipt_code
    # each new opinion has its audit event and the chains still verify
    received = session.execute(
        select(AuditEvent.entity_id).where(AuditEvent.action == "opinion.received")
    ).scalars()
    assert {ok[0].opinion.id, ok[1].opinion.id} <= set(received)
    assert audit.verify(session=session).ok


def test_a_key_stored_meanwhile_by_another_writer_is_answered_with_its_opinion(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the batch cannot see in advance: the insert meets the unique key, the batch is
    stored one at a time and the clashing submission gets the other writer's opinion."""
    world = build_world(session)
    cid = world.consultation.id
    other = opinions.submit(
        session=session,
        consultation_id=cid,
        text="Cùng một ý kiến",
        author_person_id=world.member_a,
        idempotency_key="dua",
        now=NOW,
    ).opinion
    monkeypatch.setattr(opinions, "_existing_by_keys", lambda _session, _batch: {})
    out = opinions.submit_many(
        session=session,
        submissions=[
            opinions.Submission(cid, "Ý kiến mới", author_person_id=world.member_a),
            opinions.Submission(
                cid, "Cùng một ý kiến", author_person_id=world.member_a, idempotency_key="dua"
            ),
        ],
        now=NOW,
    )
    assert isinstance(out[0], opinions.SubmitResult) and out[0].created
    assert isinstance(out[1], opinions.SubmitResult) and not out[1].created
    assert out[1].opinion.id == other.id
    assert session.get(Opinion, out[0].opinion.id) is not None
    assert audit.verify(session=session).ok
