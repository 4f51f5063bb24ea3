"""E-mail to the parent's secretaries when a unit submits its synthesis (local SMTP server)."""

from __future__ import annotations

from email.header import decode_header, make_header
from pathlib import Path

from sqlalchemy.orm import Session

from tests.conftest import Inbox
from tests.synthesis.test_service import _say, _submit_up, _world
from ykien.accounts import service as accounts
from ykien.accounts.models import Person
from ykien.config import Settings
from ykien.events import service as events
from ykien.synthesis import notify


def test_the_parent_secretaries_get_a_vietnamese_email_and_a_notice(
    session: Session, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    unit = _world(session)
    world = unit.world
    accounts.grant_role(
        session=session, person_id=unit.bloc_secretary, organisation_id=world.bloc.id,
        role="secretary",
    )  # fmt: skip
    secretary = session.get(Person, unit.bloc_secretary)
    assert secretary is not None
    secretary.email = "thu.ky@khoi.example"
    _say(
        session,
        world,
        "Đề nghị làm rõ phạm vi điều chỉnh.",
        author=world.member_a,
        section="Điều 1",
    )
    synthesis_id = _submit_up(session, world, world.unit_a.id)
    notices = events.notifications_for(
        session=session, person_id=unit.bloc_secretary, organisation_ids=[]
    )
    assert any(f"/syntheses/{synthesis_id}" in n.link for n in notices)
    settings = Settings(
        environment="test", data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=port
    )
    sent = notify.send_submission(
        session=session, settings=settings, synthesis_id=synthesis_id, base_url="http://ykien.test"
    )
    assert sent == 1
    [message] = inbox.messages
    assert message["To"].endswith("<thu.ky@khoi.example>")
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == f"{world.unit_a.name} đã gửi báo cáo tổng hợp ý kiến"
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"http://ykien.test/syntheses/{synthesis_id}" in body
    assert world.consultation.title in body


def test_without_smtp_nothing_is_sent(session: Session, tmp_path: Path) -> None:
    unit = _world(session)
    synthesis_id = _submit_up(session, unit.world, unit.world.unit_a.id)
    settings = Settings(environment="test", data_dir=tmp_path)
    assert (
        notify.send_submission(session=session, settings=settings, synthesis_id=synthesis_id) == 0
    )
