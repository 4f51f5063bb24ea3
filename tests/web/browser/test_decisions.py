"""Real browser through the decision workflow: a subcommittee member drafts the answer to an
opinion, the chair approves and publishes it, and its author reads it in "my opinions"."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.web.browser.conftest import needs_route
from tests.web.browser.support import LiveServer, Visitor

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed_opinion(server: LiveServer) -> tuple[int, int]:
    """An opinion of the demo participant on a routed section: (its id, the subcommittee id)."""
    from ykien.accounts.models import Account
    from ykien.consultations.models import Subcommittee, SubcommitteeSection
    from ykien.opinions import service as opinions

    session: Any = server.session()
    with session:
        person_id = session.scalars(
            select(Account.person_id).where(Account.username == "dangvien")
        ).one()
        section_id, subcommittee_id = session.execute(
            select(SubcommitteeSection.section_id, Subcommittee.id)
            .join(Subcommittee, Subcommittee.id == SubcommitteeSection.subcommittee_id)
            .where(Subcommittee.consultation_id == server.facts.report_id)
            .order_by(SubcommitteeSection.id)
            .limit(1)
        ).one()
        opinion = opinions.submit(
            session=session,
            consultation_id=server.facts.report_id,
            text="Đề nghị bổ sung chỉ tiêu cụ thể về chuyển đổi số trong mục này.",
            section_id=section_id,
            author_person_id=person_id,
        ).opinion
        session.commit()
        return opinion.id, subcommittee_id


@needs_route("/subcommittees/{subcommittee_id}/decide")
def test_draft_approve_publish_then_the_participant_sees_the_answer(
    visitor_factory: Any, server: LiveServer
) -> None:
    opinion_id, subcommittee_id = _seed_opinion(server)
    member: Visitor = visitor_factory()
    member.sign_in("tieuban")
    member.goto(f"/subcommittees/{subcommittee_id}", shot="decisions-queue")
    member.assert_accessible("the subcommittee queue")
    member.goto(
        f"/subcommittees/{subcommittee_id}/decide?target_type=opinion&target_id={opinion_id}",
        shot="decisions-form",
    )
    page = member.page
    page.get_by_label("Tiếp thu một phần").check()
    page.fill("#explanation", "Tiếp thu, bổ sung chỉ tiêu tỷ lệ hồ sơ xử lý trực tuyến.")
    page.fill("#new_wording", "Phấn đấu 80% hồ sơ được xử lý trực tuyến.")
    member.assert_accessible("the decision form")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Lưu dự thảo").click()
    decision_path = page.url.removeprefix(server.url)
    assert decision_path.startswith("/decisions/")
    member.screenshot("decisions-drafted")
    member.assert_accessible("the decision page")

    chair: Visitor = visitor_factory()
    chair.sign_in("chutich")
    chair.goto(decision_path)
    with chair.page.expect_navigation(wait_until="load"):
        chair.page.get_by_role("button", name="Phê duyệt").click()
    with chair.page.expect_navigation(wait_until="load"):
        chair.page.get_by_role("button", name="Công bố").click()
    chair.assert_accessible("the confirmation before publishing")
    with chair.page.expect_navigation(wait_until="load"):
        chair.page.get_by_role("button", name="Xác nhận và công bố").click()
    chair.page.get_by_text("Đã công bố").first.wait_for()
    chair.screenshot("decisions-published")

    author: Visitor = visitor_factory()
    author.sign_in("dangvien")
    author.goto("/me/opinions")
    trace = author.page.locator(f"#trace-{opinion_id}")
    trace.get_by_text("Tiếp thu một phần").wait_for(timeout=15_000)  # loaded by htmx
    assert "80% hồ sơ được xử lý trực tuyến" in trace.inner_text()
    author.screenshot("decisions-my-opinions")
    author.assert_accessible("my opinions with their answers")
    author.goto("/me/notifications", shot="decisions-inbox")
    assert author.page.locator("ol.notifications li").count() >= 1
