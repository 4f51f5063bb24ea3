"""E-mail of a publication batch through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from pathlib import Path

from sqlalchemy.orm import Session

from tests.conftest import Inbox, free_port
from tests.decisions.conftest import DecisionWorld
from ykien.accounts.models import Person
from ykien.config import Settings
from ykien.decisions import notify
from ykien.decisions import service as decisions
from ykien.decisions.models import Publication


def _publish(session: Session, dw: DecisionWorld) -> Publication:
    made = []
    for kind, target in [("theme", dw.theme_id), ("campaign", dw.group_id)]:
        decision = decisions.draft(
            session=session,
            subcommittee_id=dw.unit_sub.id,
            target_type=kind,
            target_id=target,
            outcome="partly_accepted",
            explanation="Tiếp thu, điều chỉnh thời hạn phù hợp thực tiễn.",
            new_wording="Thời hạn lấy ý kiến ít nhất là 60 ngày.",
        )
        decisions.approve(session=session, decision_id=decision.id)
        made.append(decision.id)
    return decisions.publish(
        session=session, consultation_id=dw.world.consultation.id, decision_ids=made
    ).publication


def _text(message: EmailMessage, header: str) -> str:
    return str(make_header(decode_header(message[header])))


def test_one_vietnamese_message_per_person_per_batch(
    session: Session, dw: DecisionWorld, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    session.get_one(Person, dw.world.member_a).email = "hoan@example.vn"
    publication = _publish(session, dw)
    settings = Settings(
        environment="test", data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port
    )
    sent = notify.send_publication(
        session=session, settings=settings, publication_id=publication.id
    )
    assert sent == 2 and len(inbox.messages) == 2
    assert publication.emailed_at is not None
    to_hoan = next(m for m in inbox.messages if "hoan@example.vn" in m["To"])
    assert (
        _text(to_hoan, "Subject")
        == "Kết quả tiếp thu, giải trình ý kiến: Lấy ý kiến Luật thử nghiệm"
    )
    assert "Nguyễn Doãn Hoàn" in _text(to_hoan, "To")
    payload = to_hoan.get_payload(decode=True)
    assert isinstance(payload, bytes) and to_hoan.get_content_charset() == "utf-8"
    body = payload.decode("utf-8")
    assert body.count("- Ý kiến mã ") == 3  # two in the campaign, one only in the theme
    assert "Tiếp thu một phần" in body and "ít nhất là 60 ngày" in body
    assert "Kính gửi Nguyễn Doãn Hoàn" in body


def test_without_an_smtp_host_nothing_is_sent(
    session: Session, dw: DecisionWorld, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, _ = smtp
    publication = _publish(session, dw)
    settings = Settings(environment="test", data_dir=tmp_path)
    assert (
        notify.send_publication(session=session, settings=settings, publication_id=publication.id)
        == 0
    )
    assert inbox.messages == [] and publication.emailed_at is None


def test_a_mail_server_that_is_down_leaves_the_publication(
    session: Session, dw: DecisionWorld, tmp_path: Path
) -> None:
    session.get_one(Person, dw.world.member_a).email = "hoan@example.vn"
    publication = _publish(session, dw)
    settings = Settings(
        environment="test", data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=free_port()
    )
    assert (
        notify.send_publication(session=session, settings=settings, publication_id=publication.id)
        == 0
    )
    assert publication.emailed_at is None
