"""Theme, campaign and synthesis members page by keyset: every member once, in order."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import NOW, build_world
from ykien.analysis import service as analysis
from ykien.analysis.models import AnalysisRun, DuplicateGroup, DuplicateMember, Theme, ThemeMember
from ykien.opinions import service as opinions
from ykien.synthesis import reading
from ykien.synthesis.models import Synthesis, SynthesisItem


def _opinions(session: Session, count: int) -> tuple[int, list[int]]:
    world = build_world(session)
    ids = [
        opinions.submit(
            session=session,
            consultation_id=world.consultation.id,
            text=f"Ý kiến số {i}",
            author_person_id=world.member_a,
            now=NOW,
        ).opinion.id
        for i in range(count)
    ]
    return world.consultation.id, ids


def test_theme_members_page_by_keyset(session: Session) -> None:
    cid, ids = _opinions(session, 23)
    run = AnalysisRun(consultation_id=cid, engine="local", status="done", params_json="{}")
    session.add(run)
    session.flush()
    theme = Theme(consultation_id=cid, run_id=run.id, label="Chủ đề")
    session.add(theme)
    session.flush()
    session.add_all([ThemeMember(theme_id=theme.id, opinion_id=i) for i in ids])
    opinions.hide(session=session, opinion_id=ids[4], reason="Xúc phạm")
    session.flush()
    seen: list[int] = []
    after = 0
    while page := analysis.theme_members(session=session, theme_id=theme.id, limit=5, after=after):
        seen += [opinion_id for opinion_id, _, _ in page]
        after = page[-1][0]
    assert seen == sorted(set(ids) - {ids[4]})


def test_campaign_members_page_by_keyset_in_their_order(session: Session) -> None:
    cid, ids = _opinions(session, 17)
    run = AnalysisRun(consultation_id=cid, engine="local", status="done", params_json="{}")
    session.add(run)
    session.flush()
    group = DuplicateGroup(consultation_id=cid, run_id=run.id, canonical_opinion_id=ids[0], size=17)
    session.add(group)
    session.flush()
    session.add_all(
        [
            DuplicateMember(
                group_id=group.id, opinion_id=o, similarity=(0.5, 0.75, 1.0)[i % 3],
                excluded=i % 5 == 0,
            )
            for i, o in enumerate(ids)
        ]
    )  # fmt: skip
    session.flush()
    everything = analysis.campaign_members(session=session, group_id=group.id, limit=100)
    seen: list[int] = []
    cursor = None
    while page := analysis.campaign_members(
        session=session, group_id=group.id, limit=4, after=cursor
    ):
        seen += [row.opinion_id for row in page]
        cursor = analysis.MemberCursor.decode(analysis.member_cursor(page[-1]).encode())
    assert seen == [row.opinion_id for row in everything]
    assert len(seen) == 17
    assert [row.excluded for row in everything] == sorted(row.excluded for row in everything)


def test_synthesis_items_page_by_keyset(session: Session) -> None:
    world = build_world(session)
    synthesis = Synthesis(consultation_id=world.consultation.id, organisation_id=world.bloc.id)
    session.add(synthesis)
    session.flush()
    # positions with ties: the id breaks them
    session.add_all(
        [SynthesisItem(synthesis_id=synthesis.id, title=f"Mục {i}", position=i // 2)
         for i in range(13)]
    )  # fmt: skip
    session.flush()
    whole = reading.view(session=session, synthesis_id=synthesis.id)
    seen: list[int] = []
    after = ""
    while True:
        page = reading.view(session=session, synthesis_id=synthesis.id, after=after, limit=4)
        seen += [v.item.id for v in page.items]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == [v.item.id for v in whole.items]
    assert len(seen) == 13
