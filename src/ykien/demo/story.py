"""The rest of the demo's story, after the opinions: the joint seminar of the mass organisations
on three drafts, a dialogue meeting and a supervision session with their recommendations, the
syntheses submitted up and forwarded to the owning levels, and decisions published at each level.

Everything goes through the services, as a secretary's clicks would."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ykien.consultations import subcommittees
from ykien.consultations.models import SubcommitteeSection
from ykien.decisions import forwarding
from ykien.decisions import service as decisions
from ykien.decisions.models import Outcome, TargetType
from ykien.demo.levels import Levels
from ykien.demo.opinions import generate_opinions
from ykien.drafts.models import Section
from ykien.drafts.refs import SectionIndex
from ykien.events import service as events
from ykien.events.checks import today_in_vietnam
from ykien.events.models import EventKind, RecommendationStatus
from ykien.events.recommendations import service as recommendations
from ykien.events.service import AttendeeIn
from ykien.opinions.models import Opinion
from ykien.synthesis import service as synthesis


@dataclass
class Collection:
    """A consultation of the demo: its id, draft title, sections and owner."""

    id: int
    title: str
    sections: list[Section]
    organiser_id: int


@dataclass
class Story:
    """The bloc's four collections (the last two on the centre's and the city's drafts) and the
    owning levels' consultations."""

    report: Collection
    regulation: Collection
    on_centre: Collection
    on_city: Collection
    centre: Collection
    city: Collection


# (name, title, mass organisation index)
SEMINAR_PEOPLE = [
    ("Lê Thị Mai", "Chủ tịch Công đoàn Viên chức Khối", 0),
    ("Trịnh Văn Phúc", "Phó Chủ tịch Công đoàn Viên chức Khối", 0),
    ("Đinh Công Sơn", "Chủ tịch Hội Cựu chiến binh Khối", 1),
    ("Mai Xuân Trường", "Phó Chủ tịch Hội Cựu chiến binh Khối", 1),
    ("Lương Thùy Dung", "Bí thư Đoàn Thanh niên Khối", 2),
    ("Tạ Minh Nhật", "Phó Bí thư Đoàn Thanh niên Khối", 2),
]
HEADS = ["Phạm Thanh Bình", "Nguyễn Thị Hạnh", "Trần Đức Long", "Hồ Văn Tuấn"]
RECOMMENDATIONS: list[tuple[str, int, str | int, int, str | None]] = [
    # (text, raised by mass index, addressee: "bloc" or unit index, due in days, answer)
    ("Đề nghị Đảng ủy Khối ban hành hướng dẫn thống nhất cách tổng hợp ý kiến của đoàn viên "
     "công đoàn gửi qua hội nghị người lao động.", 0, "bloc", 20,
     "Văn phòng Đảng ủy Khối đã ban hành Hướng dẫn số 12-HD/ĐUK, gửi các cấp ủy trực thuộc."),
    ("Đề nghị Đảng ủy Sở Thông tin và Truyền thông hỗ trợ đoàn viên thanh niên góp ý trực tuyến "
     "trên cổng thông tin của Khối.", 2, 5, 10,
     "Sở đã mở chuyên mục góp ý trực tuyến và cử cán bộ hỗ trợ tại các chi đoàn."),
    ("Đề nghị Đảng ủy Sở Nội vụ công khai kết quả tiếp thu ý kiến của hội viên cựu chiến binh "
     "trước khi hoàn thiện dự thảo.", 1, 1, -5, None),
    ("Đề nghị bổ sung thời gian cho các chi bộ ở xa tổ chức sinh hoạt chuyên đề góp ý văn kiện.",
     1, "bloc", 15, None),
]  # fmt: skip
EXPLANATIONS = {
    Outcome.ACCEPTED: "Tiếp thu: Tiểu ban đã chỉnh sửa dự thảo theo ý kiến này.",
    Outcome.PARTLY_ACCEPTED: "Tiếp thu một phần: giữ bố cục, bổ sung nội dung được đề nghị.",
    Outcome.NOT_ACCEPTED: "Không tiếp thu: nội dung đã được quy định ở văn bản của cấp trên.",
    Outcome.NOTED: "Ghi nhận để nghiên cứu khi xây dựng chương trình hành động.",
}
OUTCOMES = list(EXPLANATIONS)


def _section_for(collection: Collection, ref: str | None) -> int | None:
    if not ref:
        return None
    position = SectionIndex(collection.sections).resolve_text(ref)
    return collection.sections[position].id if position is not None else None


def joint_seminar(
    session: Session, levels: Levels, story: Story, rng: random.Random, now: datetime
) -> int:
    """The three mass organisations' seminar on the bloc's report and the two higher drafts:
    attendees entered once, opinions on each draft credited to the organisers."""
    drafts = [story.report, story.on_centre, story.on_city]
    event = events.create_event(
        session=session,
        consultation_id=story.report.id,
        title="Tọa đàm liên tịch Công đoàn, Hội Cựu chiến binh, Đoàn Thanh niên Khối góp ý "
        "dự thảo văn kiện đại hội các cấp",
        kind=EventKind.SEMINAR,
        starts_at=now - timedelta(days=6, hours=2),
        place="Hội trường Đảng ủy Khối",
        chair_name=SEMINAR_PEOPLE[0][0],
        chair_title=SEMINAR_PEOPLE[0][1],
        agenda="1. Giới thiệu ba dự thảo văn kiện.\n2. Đại biểu phát biểu góp ý.\n3. Kết luận.",
        organiser_ids=[m.id for m in levels.mass],
        attendees=[
            AttendeeIn(name=n, title=t, organisation_id=levels.mass[i].id)
            for n, t, i in SEMINAR_PEOPLE
        ],
        consultation_ids=[story.on_centre.id, story.on_city.id],
    )
    for minutes, collection in enumerate(drafts):
        refs = [s.label for s in collection.sections if s.kind != "preamble"]
        for turn, item in enumerate(generate_opinions(rng, count=5, section_refs=refs)):
            name, _title, mass_index = SEMINAR_PEOPLE[(turn + minutes) % len(SEMINAR_PEOPLE)]
            events.add_event_opinion(
                session=session,
                event_id=event.id,
                consultation_id=collection.id,
                text=item.text,
                kind=item.kind,
                proposed_wording=item.proposed_wording,
                section_id=_section_for(collection, item.section_ref),
                speaker_name=name,
                credited_organisation_id=levels.mass[mass_index].id,
                now=now - timedelta(days=6, hours=1, minutes=-(minutes * 20 + turn * 3)),
            )
    return event.id


def meetings(
    session: Session, levels: Levels, story: Story, people: dict[str, int], now: datetime
) -> None:
    """A dialogue meeting (party-committee heads with the mass organisations) with its
    recommendations, some answered and one overdue, and a supervision session with one."""
    heads = [
        AttendeeIn(name=n, title=f"Bí thư {u.name.replace('Đảng bộ', 'Đảng ủy')}",
                   organisation_id=u.id)
        for n, u in zip(HEADS, levels.units, strict=False)
    ]  # fmt: skip
    leaders = [AttendeeIn(name=n, title=t, organisation_id=levels.mass[i].id)
               for n, t, i in SEMINAR_PEOPLE[::2]]  # fmt: skip
    dialogue = events.create_event(
        session=session,
        consultation_id=story.report.id,
        title="Hội nghị đối thoại giữa người đứng đầu cấp ủy với đoàn viên, hội viên các đoàn thể",
        kind=EventKind.DIALOGUE,
        starts_at=now - timedelta(days=4, hours=1),
        place="Phòng họp số 2, trụ sở Đảng ủy Khối",
        chair_person_id=people["chutich"],
        organiser_ids=[levels.bloc.id, *[m.id for m in levels.mass]],
        attendees=[*heads, *leaders],
    )
    today = today_in_vietnam(now)
    for text, raiser, addressee, due_in, answer in RECOMMENDATIONS:
        raised = recommendations.create_recommendation(
            session=session,
            consultation_id=story.report.id,
            event_id=dialogue.id,
            text=text,
            raised_by_organisation_id=levels.mass[raiser].id,
            addressee_organisation_id=levels.at(addressee).id,
            due_on=today + timedelta(days=due_in),
            actor_person_id=people["thuky.khoi"],
        )
        if answer:
            recommendations.answer_recommendation(
                session=session, recommendation_id=raised.id, answer=answer,
                actor_person_id=people["thuky.khoi"], now=now - timedelta(days=1),
            )  # fmt: skip
        elif due_in > 0:
            recommendations.set_recommendation_status(
                session=session, recommendation_id=raised.id,
                status=RecommendationStatus.IN_PROGRESS, actor_person_id=people["thuky.khoi"],
            )  # fmt: skip
    supervision = events.create_event(
        session=session,
        consultation_id=story.regulation.id,
        title="Giám sát việc tổ chức lấy ý kiến góp ý dự thảo văn kiện tại Đảng bộ Sở Tư pháp",
        kind=EventKind.SUPERVISION,
        starts_at=now - timedelta(days=3, hours=3),
        place="Trụ sở Sở Tư pháp",
        chair_name=SEMINAR_PEOPLE[2][0],
        chair_title=SEMINAR_PEOPLE[2][1],
        organiser_ids=[levels.mass[1].id],
        attendees=[leaders[1], AttendeeIn(name=HEADS[2], organisation_id=levels.units[2].id)],
    )
    recommendations.create_recommendation(
        session=session,
        consultation_id=story.regulation.id,
        event_id=supervision.id,
        text="Đề nghị Đảng ủy Sở Tư pháp lập sổ theo dõi ý kiến góp ý của từng chi bộ và báo cáo "
        "kết quả tiếp thu về Đảng ủy Khối.",
        raised_by_organisation_id=levels.mass[1].id,
        addressee_organisation_id=levels.units[2].id,
        due_on=today + timedelta(days=14),
        actor_person_id=people["thuky.khoi"],
    )


def _unit_syntheses(
    session: Session, collection: Collection, levels: Levels, skip: set[int], by: int | None
) -> None:
    for org in [*levels.units, *levels.mass]:
        if org.id in skip:
            continue
        drafted = synthesis.draft_synthesis(
            session=session, consultation_id=collection.id, organisation_id=org.id, by=by,
            summarise=False,
        )  # fmt: skip
        if not synthesis.items_of(session=session, synthesis_id=drafted.id):
            continue
        synthesis.sign_off(session=session, synthesis_id=drafted.id, by=by)
        synthesis.submit(session=session, synthesis_id=drafted.id, by=by)


def syntheses(session: Session, levels: Levels, story: Story, people: dict[str, int]) -> None:
    """Units and mass organisations submit theirs to the bloc (on the report a few have not yet,
    and the bloc has not started its own); the bloc signs its own off on the other three and
    forwards those on the centre's and the city's drafts up to their subcommittees."""
    waiting = {levels.units[0].id, levels.units[5].id, levels.units[6].id}
    _unit_syntheses(session, story.report, levels, waiting, None)
    secretary, chair = people["thuky.khoi"], people["chutich"]
    for collection in (story.regulation, story.on_centre, story.on_city):
        _unit_syntheses(session, collection, levels, set(), None)
        bloc = synthesis.draft_synthesis(
            session=session, consultation_id=collection.id, organisation_id=levels.bloc.id,
            by=secretary, summarise=False,
        )  # fmt: skip
        synthesis.sign_off(session=session, synthesis_id=bloc.id, by=chair)
        if collection is not story.regulation:
            forwarding.forward_up(session=session, synthesis_id=bloc.id, by=secretary)


def _publish(
    session: Session, consultation_id: int, subcommittee_id: int, targets: list[tuple[str, int]],
    member: int, chair: int,
) -> int:  # fmt: skip
    made = []
    for turn, (target_type, target_id) in enumerate(targets):
        outcome = OUTCOMES[turn % len(OUTCOMES)]
        drafted = decisions.draft(
            session=session, subcommittee_id=subcommittee_id, target_type=target_type,
            target_id=target_id, outcome=outcome, explanation=EXPLANATIONS[outcome],
            actor_person_id=member,
        )  # fmt: skip
        decisions.approve(session=session, decision_id=drafted.id, actor_person_id=chair)
        made.append(drafted.id)
    if made:
        decisions.publish(
            session=session, consultation_id=consultation_id, decision_ids=made,
            actor_person_id=chair,
        )  # fmt: skip
    return len(made)


def _routed_opinions(session: Session, collection: Collection, count: int) -> tuple[int, list[int]]:
    """The first subcommittee of the collection and `count` identified opinions in its sections."""
    sub = subcommittees.of_consultation(session=session, consultation_id=collection.id)[0]
    handled = select(SubcommitteeSection.section_id).where(
        SubcommitteeSection.subcommittee_id == sub.id
    )
    found = session.scalars(
        select(Opinion.id)
        .where(
            Opinion.consultation_id == collection.id,
            Opinion.section_id.in_(handled),
            Opinion.author_person_id.is_not(None),
        )
        .order_by(Opinion.id)
        .limit(count)
    )
    return sub.id, list(found)


def published_decisions(session: Session, story: Story, people: dict[str, int]) -> None:
    """The bloc answers opinions of its own drafts; the centre and the city answer the items
    forwarded to them."""
    for collection, count in ((story.report, 4), (story.regulation, 3)):
        sub_id, found = _routed_opinions(session, collection, count)
        targets = [(str(TargetType.OPINION), opinion_id) for opinion_id in found]
        _publish(session, collection.id, sub_id, targets, people["tieuban"], people["chutich"])
    for collection, level in ((story.centre, "trunguong"), (story.city, "thanhpho")):
        sub = subcommittees.of_consultation(session=session, consultation_id=collection.id)[0]
        rows = forwarding.forwarded_queue(session=session, subcommittee_id=sub.id)
        targets = [(str(TargetType.ITEM), row.item_id) for row in rows[:3]]
        _publish(
            session, collection.id, sub.id, targets, people[f"tieuban.{level}"],
            people[f"chutich.{level}"],
        )  # fmt: skip
