"""The response table of published decisions: one row per decision and per section it changes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.decisions.conftest import DecisionWorld
from ykien.decisions import report as response_report
from ykien.decisions import service as decisions
from ykien.synthesis.reports import GENERAL_SECTION


def _publish(session: Session, dw: DecisionWorld, **fields: object) -> int:
    decision = decisions.draft(session=session, subcommittee_id=dw.unit_sub.id, **fields)  # type: ignore[arg-type]
    decisions.approve(session=session, decision_id=decision.id)
    decisions.publish(
        session=session, consultation_id=dw.world.consultation.id, decision_ids=[decision.id]
    )
    return decision.id


def _rows(session: Session, dw: DecisionWorld) -> list[tuple[str, str | None, list[int]]]:
    table = response_report.response_table(
        session=session, consultation_id=dw.world.consultation.id
    )
    return [
        (section.label, item.new_wording, item.opinion_ids)
        for section in table.sections
        for item in section.items
    ]


def test_a_theme_decision_is_one_row_on_the_section_it_changes(
    session: Session, dw: DecisionWorld
) -> None:
    """Issue 12: a theme decision became one row per section its opinions touch (Điều 3 and
    Điều 4 here), each repeating the new wording written for Điều 4."""
    _publish(
        session,
        dw,
        target_type="theme",
        target_id=dw.theme_id,
        outcome="accepted",
        explanation="Tiếp thu, sửa Điều 4.",
        new_wording="Thời hạn lấy ý kiến ít nhất là 60 ngày.",
        section_ids=[dw.world.section("Điều 4").id],
    )
    rows = _rows(session, dw)
    assert len(rows) == 1
    label, wording, opinion_ids = rows[0]
    assert label.startswith("Điều 4")
    assert wording == "Thời hạn lấy ý kiến ít nhất là 60 ngày."
    assert sorted(opinion_ids) == sorted(dw.theme_ids), "the row answers the whole theme"


def test_a_decision_changing_no_section_is_one_row(session: Session, dw: DecisionWorld) -> None:
    """Its opinions touch two sections and it names none: one row, in the general part."""
    _publish(
        session,
        dw,
        target_type="theme",
        target_id=dw.theme_id,
        outcome="not_accepted",
        explanation="Giữ như dự thảo.",
    )
    rows = _rows(session, dw)
    assert [(label, wording) for label, wording, _ in rows] == [(GENERAL_SECTION, None)]
