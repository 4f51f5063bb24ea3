"""The opinion tallies against a fresh count, after a mix of writes through every write path."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from tests.factories import World, build_world
from ykien.accounts.models import Person
from ykien.analysis import service as analysis
from ykien.analysis import tallies
from ykien.analysis.models import (
    AnalysisRun,
    DuplicateGroup,
    DuplicateMember,
    ProposalStatus,
    Theme,
    ThemeMember,
)
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion, OpinionStatus

Key = tuple[str, int, str]


def _fresh(session: Session, consultation_id: int) -> dict[Key, tuple[int, int]]:
    """(facet, scope id, key) -> (raw, unique), counted from scratch in Python."""
    people = dict(session.execute(select(Person.id, Person.organisation_id)).all())
    groups = dict(
        session.execute(
            select(DuplicateGroup.id, DuplicateGroup.status).where(
                DuplicateGroup.consultation_id == consultation_id
            )
        ).all()
    )
    members = session.execute(
        select(DuplicateMember.opinion_id, DuplicateMember.group_id, DuplicateMember.excluded)
    ).all()
    themes = session.execute(select(ThemeMember.opinion_id, ThemeMember.theme_id)).all()
    counting: dict[int, int] = {}
    campaigns_of: dict[int, list[int]] = defaultdict(list)
    for opinion_id, group_id, excluded in members:
        if group_id not in groups or excluded:
            continue
        campaigns_of[opinion_id].append(group_id)
        if groups[group_id] != ProposalStatus.REJECTED:
            counting[opinion_id] = min(counting.get(opinion_id, group_id), group_id)
    themes_of: dict[int, list[int]] = defaultdict(list)
    for opinion_id, theme_id in themes:
        themes_of[opinion_id].append(theme_id)
    cells: dict[Key, list[object]] = defaultdict(list)
    rows = session.scalars(
        select(Opinion).where(
            Opinion.consultation_id == consultation_id, Opinion.status != OpinionStatus.HIDDEN
        )
    ).all()
    for o in rows:
        org = o.on_behalf_of_id or people.get(o.author_person_id or -1)
        org_key = str(org) if org else ""
        when = o.submitted_at.astimezone(UTC)
        local = when + timedelta(hours=7)
        unique: object = ("campaign", counting[o.id]) if o.id in counting else o.id
        own = {
            "total": "",
            "hour": when.strftime("%Y-%m-%d %H"),
            "day": local.strftime("%Y-%m-%d"),
            "section": str(o.section_id) if o.section_id else "",
            "organisation": org_key,
            "kind": o.kind,
            "channel": o.channel,
            "attachment": f"{people.get(o.author_person_id or -1) or ''}:"
            f"{o.on_behalf_of_id or ''}:{int(o.channel == 'event')}",
        }
        for facet, key in own.items():
            cells[(facet, 0, key)].append(unique)
        for scope, ids in (("theme", themes_of[o.id]), ("campaign", campaigns_of[o.id])):
            for scope_id in ids:
                for suffix, key in (
                    ("", ""),
                    ("_kind", o.kind),
                    ("_channel", o.channel),
                    ("_organisation", org_key),
                ):
                    cells[(scope + suffix, scope_id, key)].append(unique)
    return {key: (len(found), len(set(found))) for key, found in cells.items()}


def _stored(session: Session, consultation_id: int) -> dict[Key, tuple[int, int]]:
    """Everything the tallies say, through the readers the pages use."""
    found: dict[Key, tuple[int, int]] = {}
    facets = [*tallies.BASE_FACETS]
    for facet, cells in tallies.read(
        session=session, consultation_id=consultation_id, facets=facets
    ).items():
        for key, cell in cells.items():
            found[(facet, 0, key)] = (cell.raw, cell.unique)
    scope_ids = session.execute(
        text(
            "SELECT DISTINCT facet, scope_id FROM opinion_tallies "
            "WHERE consultation_id = :cid AND scope_id <> 0"
        ),
        {"cid": consultation_id},
    ).all()
    for facet, scope_id in scope_ids:
        cells = tallies.read(
            session=session, consultation_id=consultation_id, facets=[facet], scope_id=scope_id
        )[facet]
        for key, cell in cells.items():
            found[(facet, scope_id, key)] = (cell.raw, cell.unique)
    return found


def _check(session: Session, world: World) -> None:
    session.flush()
    cid = world.consultation.id
    assert _stored(session, cid) == _fresh(session, cid)


def _submit(session: Session, world: World, text_: str, **extra: object) -> int:
    when = datetime(2025, 6, 15, 3, 0, tzinfo=UTC) + timedelta(hours=len(text_) % 30)
    return opinions.submit(
        session=session, consultation_id=world.consultation.id, text=text_, now=when, **extra
    ).opinion.id


def test_tallies_match_a_fresh_count_after_every_kind_of_write(
    session: Session, tmp_path: Path
) -> None:
    world = build_world(session)
    cid = world.consultation.id
    ids = [
        _submit(session, world, "Góp ý Điều 1 về phạm vi.", author_person_id=world.member_a),
        _submit(
            session,
            world,
            "Đề nghị kéo dài thời hạn lấy ý kiến lên 60 ngày.",
            author_person_id=world.member_a,
            on_behalf_of_id=world.unit_b.id,
            channel="event",
            kind="recommendation",
            section_id=world.section("Điều 3").id,
        ),
        _submit(session, world, "Ý kiến của khách.", author_name="Khách", channel="written"),
        _submit(session, world, "Đề nghị kéo dài thời hạn.", author_person_id=world.member_a),
        _submit(
            session,
            world,
            "Một ý kiến nữa về Điều 1.",
            author_name="Đại biểu",
            channel="event",
            section_id=world.section("Điều 1").id,
        ),
    ]
    _check(session, world)

    # the importer (COPY on PostgreSQL, executemany on SQLite)
    source = tmp_path / "y-kien.csv"
    source.write_text(
        "Nội dung,Điều khoản,Đơn vị\n"
        + "".join(
            f"Ý kiến nhập số {i} về dự thảo,Điều {1 + i % 3},Chi bộ Sở Tài chính\n"
            for i in range(12)
        ),
        encoding="utf-8",
    )
    import_opinions(session=session, consultation_id=cid, source=source)
    imported = session.scalars(
        select(Opinion.id).where(Opinion.consultation_id == cid, Opinion.channel == "import")
    ).all()
    assert len(imported) == 12
    _check(session, world)

    # an analysis: themes and campaigns written by the job, then its refresh
    run = AnalysisRun(consultation_id=cid, engine="local", status="done", params_json="{}")
    session.add(run)
    session.flush()
    themes = [Theme(consultation_id=cid, run_id=run.id, label=f"Chủ đề {i}") for i in range(2)]
    groups = [
        DuplicateGroup(consultation_id=cid, run_id=run.id, canonical_opinion_id=ids[1], size=3),
        DuplicateGroup(consultation_id=cid, run_id=run.id, canonical_opinion_id=ids[3], size=3),
    ]
    session.add_all([*themes, *groups])
    session.flush()
    session.add_all(
        [ThemeMember(theme_id=themes[i % 2].id, opinion_id=o) for i, o in enumerate(ids + imported)]
        + [DuplicateMember(group_id=groups[0].id, opinion_id=o) for o in (ids[1], ids[3], imported[0])]
        + [DuplicateMember(group_id=groups[1].id, opinion_id=o) for o in (ids[3], imported[1], imported[2])]
    )  # fmt: skip
    _check(session, world)  # stale: `merged` computed on the fly
    tallies.refresh_campaign_tallies(session=session, consultation_id=cid)
    assert not tallies._stale(session, cid)
    _check(session, world)

    # moderation, kind and section changes, a restore
    opinions.hide(session=session, opinion_id=ids[3], reason="Trùng lặp")
    opinions.hide(session=session, opinion_id=imported[5], reason="Không liên quan")
    assert tallies._stale(session, cid)  # ids[3] is a campaign member
    _check(session, world)
    opinions.restore(session=session, opinion_id=imported[5])
    session.execute(update(Opinion).where(Opinion.id == imported[0]).values(kind="amend"))
    session.execute(
        update(Opinion)
        .where(Opinion.id.in_(imported[6:9]))
        .values(kind="question", section_id=None)
    )
    session.execute(
        update(Opinion).where(Opinion.id == ids[0]).values(text="Sửa lời, không đổi số")
    )
    _check(session, world)

    # people's decisions on the analysis: a campaign undone, one split, opinions moved
    analysis.decide_campaign(
        session=session, group_id=groups[0].id, action="undo", actor_person_id=None
    )
    analysis.split_campaign(
        session=session, group_id=groups[1].id, opinion_ids=[imported[1]], actor_person_id=None
    )
    analysis.move_opinions(
        session=session, opinion_ids=[imported[3]], to_theme_id=themes[0].id, actor_person_id=None
    )
    _check(session, world)
    tallies.refresh_campaign_tallies(session=session, consultation_id=cid)
    _check(session, world)

    # deletes: memberships first, then the opinions themselves
    doomed = [imported[10], imported[11], ids[2]]
    session.execute(delete(ThemeMember).where(ThemeMember.opinion_id.in_(doomed)))
    session.execute(delete(DuplicateMember).where(DuplicateMember.opinion_id.in_(doomed)))
    session.execute(delete(Opinion).where(Opinion.id.in_(doomed)))
    _check(session, world)
    tallies.refresh_campaign_tallies(session=session, consultation_id=cid)
    _check(session, world)


def test_rebuild_gives_the_same_tallies(session: Session) -> None:
    world = build_world(session)
    for i in range(4):
        _submit(session, world, f"Ý kiến số {i}", author_person_id=world.member_a)
    session.flush()
    cid = world.consultation.id
    before = _stored(session, cid)
    session.execute(text("DELETE FROM opinion_tallies WHERE consultation_id = :cid"), {"cid": cid})
    assert _stored(session, cid) == {}
    tallies.rebuild(session=session, consultation_id=cid)
    assert _stored(session, cid) == before == _fresh(session, cid)
