"""Real browser through the synthesis workflow: a unit's secretary drafts, signs off and submits
the unit's synthesis; the bloc's secretary is notified, drafts the bloc's synthesis and drills
down to the unit's item and its opinions."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPINION = "Đề nghị bổ sung chỉ tiêu về tỷ lệ hồ sơ xử lý trực tuyến toàn trình."


def _seed_unit_opinion(server: LiveServer) -> str:
    """An opinion of the demo participant (Sở Tài chính) on the report; returns the unit name."""
    from ykien.accounts.models import Account, Person
    from ykien.drafts.models import Section
    from ykien.opinions import service as opinions
    from ykien.orgs.models import Organisation

    session: Any = server.session()
    with session:
        person = session.execute(
            select(Person)
            .join(Account, Account.person_id == Person.id)
            .where(Account.username == "dangvien")
        ).scalar_one()
        opinions.submit(
            session=session,
            consultation_id=server.facts.report_id,
            text=OPINION,
            section_id=server.facts.report_section_id,
            author_person_id=person.id,
        )
        unit = session.get(Organisation, person.organisation_id).name
        assert session.get(Section, server.facts.report_section_id) is not None
        session.commit()
        return str(unit)


def _click(visitor: Visitor, name: str) -> None:
    with visitor.page.expect_navigation(wait_until="load"):
        visitor.page.get_by_role("button", name=name).first.click()


@needs_route("/syntheses/{synthesis_id}")
def test_unit_submits_and_the_bloc_drills_down(visitor_factory: Any, server: LiveServer) -> None:
    unit_name = _seed_unit_opinion(server)
    report = server.facts.report_id

    unit: Visitor = visitor_factory(name="unit-secretary")
    unit.sign_in("thuky.taichinh")
    unit.goto(f"/c/{report}/syntheses", shot="synthesis-units")
    unit.assert_accessible("the unit's synthesis progress")
    _click(unit, "Lập dự thảo báo cáo tổng hợp")
    assert "/syntheses/" in unit.page.url
    unit.screenshot("synthesis-draft")
    unit.assert_accessible("a draft synthesis with its edit forms")
    _click(unit, "Ký duyệt")
    unit.assert_accessible("the confirmation before signing off")
    _click(unit, "Xác nhận ký duyệt")
    _click(unit, "Gửi lên")
    unit.page.get_by_text("Đã gửi lên").first.wait_for()
    unit.screenshot("synthesis-submitted")

    bloc: Visitor = visitor_factory(name="bloc-secretary")
    bloc.sign_in("thuky.khoi")
    bloc.goto("/me/notifications")
    assert unit_name in bloc.page.inner_text("main")
    bloc.goto(f"/c/{report}/syntheses", shot="synthesis-bloc-units")
    assert "Chưa gửi báo cáo" in bloc.page.inner_text("main")
    _click(bloc, "Lập dự thảo báo cáo tổng hợp")
    bloc.screenshot("synthesis-bloc-draft")
    with bloc.page.expect_navigation(wait_until="load"):
        bloc.page.get_by_role("link", name="Xem chi tiết").first.click()
    assert unit_name in bloc.page.inner_text("main")
    bloc.assert_accessible("the drill-down of a bloc item")
    with bloc.page.expect_navigation(wait_until="load"):
        bloc.page.locator("main table tbody a").first.click()
    bloc.screenshot("synthesis-unit-opinions")
    assert f"Ý kiến của chính {unit_name}" in bloc.page.inner_text("main")
    assert bloc.page.locator("main table tbody tr").count() >= 1
    bloc.assert_accessible("the unit's item with its opinions")
