"""Build the demo: the centre, a city and its agencies bloc consulting on four drafts.

Everything goes through the same services as real use (drafts are parsed from files, opinions
are submitted through intake or imported from a generated CSV), so the demo exercises them.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ykien.accounts import service as accounts
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.consultations import subcommittees
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.db.engine import unit_of_work
from ykien.decisions.models import Decision, ForwardedItem
from ykien.demo.levels import (
    BLOC,
    CENTRE,
    CITY,
    DEMO_PASSWORD,
    TIERS,
    Levels,
    account_rows,
    build_accounts,
    build_orgs,
)
from ykien.demo.opinions import DemoOpinion, generate_opinions
from ykien.demo.story import (
    Collection,
    Story,
    joint_seminar,
    meetings,
    published_decisions,
    syntheses,
)
from ykien.drafts import service as drafts
from ykien.drafts.models import Section
from ykien.drafts.refs import SectionIndex
from ykien.events.models import Event, Recommendation
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion
from ykien.orgs.models import Organisation
from ykien.synthesis.models import Synthesis

__all__ = ["DEMO_PASSWORD", "DemoSummary", "build_demo", "print_summary", "summarise"]

REPORT_TITLE = "Dự thảo Báo cáo chính trị Đại hội Đảng bộ Khối lần thứ VIII"
REGULATION_TITLE = "Dự thảo Quy chế lấy ý kiến góp ý dự thảo văn kiện Đại hội"
CENTRE_TITLE = "Dự thảo Báo cáo chính trị của Ban Chấp hành Trung ương trình Đại hội toàn quốc"
CITY_TITLE = "Dự thảo Báo cáo chính trị Đại hội Đảng bộ thành phố lần thứ XVIII"


@dataclass
class DemoSummary:
    database: str
    consultations: list[tuple[int, str, int, int]] = field(default_factory=list)
    organisations: int = 0
    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)
    levels: list[tuple[str, str, int, int]] = field(default_factory=list)
    story: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    audit_events: int = 0
    audit_intact: bool = True


def _content(name: str) -> bytes:
    return files("ykien.demo").joinpath("content", name).read_bytes()


def _consultation(
    session: Session, *, file: str, title: str, owner: Organisation, now: datetime,
    seats: tuple[list[int], int], subcommittee: str | None = None,
) -> Collection:  # fmt: skip
    """The owner's draft, parsed from the file, and its open consultation with subcommittees."""
    kind = "regulation" if file == "quy-che.txt" else "political_report"
    draft = drafts.create_draft(session=session, title=title, kind=kind, organisation_id=owner.id)
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=_content(file), filename=file
    )
    consultation = consultations.create(
        session=session,
        title=f"Lấy ý kiến góp ý {title[0].lower()}{title[1:]}",
        draft_version_id=version.id,
        organiser_id=owner.id,
        opens_at=now - timedelta(days=14 if subcommittee is None else 21),
        closes_at=now + timedelta(days=16 if subcommittee is None else 25),
        allow_anonymous=True,
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    sections = drafts.sections_of(session=session, version_id=version.id)
    tops = [s.id for s in sections if s.parent_id is None and s.kind != "preamble"]
    if subcommittee is None:  # the bloc: two groups, as its congress preparation has
        half = max(1, len(tops) // 2)
        groups = [
            ("Tiểu ban Văn kiện Đảng bộ Khối — tổ đánh giá kết quả", tops[:half]),
            ("Tiểu ban Văn kiện Đảng bộ Khối — tổ phương hướng, nhiệm vụ", tops[half:]),
        ]
    else:
        groups = [(subcommittee, tops)]
    members, chair = seats
    for name, picked in groups:
        subcommittees.create(
            session=session, consultation_id=consultation.id, organisation_id=owner.id,
            name=name, section_ids=picked, member_ids=members, chair_id=chair,
        )  # fmt: skip
    return Collection(consultation.id, title, sections, owner.id)


def _child(session: Session, parent: Collection, bloc: Organisation, now: datetime) -> Collection:
    """The bloc's own collection among its members on a higher level's draft."""
    title = parent.title
    child = consultations.create_with_draft(
        session=session,
        title=f"Đảng bộ Khối lấy ý kiến góp ý {title[0].lower()}{title[1:]}",
        organiser_id=bloc.id,
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=12),
        allow_anonymous=True,
        parent_id=parent.id,
        publish=True,
    )
    return Collection(child.id, title, parent.sections, bloc.id)


def _people_for(
    session: Session,
    generated: list[DemoOpinion],
    units: list[Organisation],
    rng: random.Random,
) -> dict[str, tuple[int, int]]:
    """A person (in some unit) per distinct author name: name -> (person id, unit id)."""
    people: dict[str, tuple[int, int]] = {}
    for item in generated:
        if item.author_name in people:
            continue
        unit = rng.choice(units)
        person = accounts.create_person(
            session=session, full_name=item.author_name, title=item.author_title,
            organisation_id=unit.id,
        )  # fmt: skip
        people[item.author_name] = (person.id, unit.id)
    return people


def _submit_all(
    session: Session,
    *,
    consultation_id: int,
    sections: list[Section],
    generated: list[DemoOpinion],
    people: dict[str, tuple[int, int]],
    mass: list[Organisation],
    rng: random.Random,
    now: datetime,
) -> list[DemoOpinion]:
    """Submit most opinions online, at events or in writing; return the rest for a CSV import."""
    index = SectionIndex(sections)
    to_import: list[DemoOpinion] = []
    for item in generated:
        roll = rng.random()
        if roll < 0.15:
            to_import.append(item)
            continue
        position = index.resolve_text(item.section_ref) if item.section_ref else None
        section = sections[position] if position is not None else None
        person_id, unit_id = people[item.author_name]
        when = now - timedelta(days=13 * rng.random(), minutes=rng.randrange(600))
        common: dict[str, Any] = {
            "session": session,
            "consultation_id": consultation_id,
            "text": item.text,
            "kind": item.kind,
            "section_id": section.id if section else None,
            "proposed_wording": item.proposed_wording,
            "now": when,
        }
        if roll < 0.65:
            opinions.submit(**common, author_person_id=person_id)
        elif roll < 0.7:
            opinions.submit(**common, anonymous=True)
        elif roll < 0.88:
            opinions.submit(
                **common, channel="event", author_person_id=person_id,
                on_behalf_of_id=rng.choice([unit_id, *[m.id for m in mass]]),
            )  # fmt: skip
        else:
            opinions.submit(
                **common, channel="written", author_name=item.author_name, on_behalf_of_id=unit_id
            )
    return to_import


def _import_csv(
    session: Session,
    consultation_id: int,
    items: list[DemoOpinion],
    units: list[Organisation],
    rng: random.Random,
    now: datetime,
) -> None:
    """Write the remaining opinions as a secretariat's spreadsheet and import it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tong-hop-y-kien-cac-don-vi.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["STT", "Đơn vị", "Người góp ý", "Điều khoản", "Loại", "Nội dung", "Ngày"]
            )
            for number, item in enumerate(items, start=1):
                when = now - timedelta(days=1 + 12 * rng.random())
                writer.writerow([
                    number, rng.choice(units).name, item.author_name, item.section_ref or "",
                    item.kind, item.text, when.strftime("%d/%m/%Y"),
                ])  # fmt: skip
        import_opinions(
            session=session,
            consultation_id=consultation_id,
            source=path,
            mapping={"external_id": "STT", "text": "Nội dung"},
            report_path=Path(folder) / "loi.csv",
            now=now,
        )


def _collections(session: Session, levels: Levels, people: dict[str, int], now: datetime) -> Story:
    """The four drafts, each level's consultation and subcommittee, the bloc's child ones."""
    centre = _consultation(
        session, file="van-kien-trung-uong.txt", title=CENTRE_TITLE, owner=levels.centre,
        now=now, seats=([people["tieuban.trunguong"]], people["chutich.trunguong"]),
        subcommittee="Tiểu ban Văn kiện Trung ương",
    )  # fmt: skip
    city = _consultation(
        session, file="van-kien-thanh-pho.txt", title=CITY_TITLE, owner=levels.city, now=now,
        seats=([people["tieuban.thanhpho"]], people["chutich.thanhpho"]),
        subcommittee="Tiểu ban Văn kiện Đảng bộ thành phố",
    )  # fmt: skip
    bloc_seats = ([people["tieuban"]], people["chutich"])
    report = _consultation(
        session, file="bao-cao-chinh-tri.txt", title=REPORT_TITLE, owner=levels.bloc, now=now,
        seats=bloc_seats,
    )  # fmt: skip
    regulation = _consultation(
        session, file="quy-che.txt", title=REGULATION_TITLE, owner=levels.bloc, now=now,
        seats=bloc_seats,
    )  # fmt: skip
    on_centre = _child(session, centre, levels.bloc, now)
    on_city = _child(session, city, levels.bloc, now)
    return Story(report, regulation, on_centre, on_city, centre, city)


def _opinions(
    session: Session, collection: Collection, count: int, levels: Levels, rng: random.Random,
    now: datetime,
) -> None:  # fmt: skip
    refs = [s.label for s in collection.sections if s.kind != "preamble"]
    generated = generate_opinions(rng, count=count, section_refs=refs)
    people = _people_for(session, generated, levels.units, rng)
    rest = _submit_all(
        session, consultation_id=collection.id, sections=collection.sections,
        generated=generated, people=people, mass=levels.mass, rng=rng, now=now,
    )  # fmt: skip
    _import_csv(session, collection.id, rest, levels.units, rng, now)


def build_demo(
    session_factory: sessionmaker[Session],
    *,
    seed: int = 2025,
    console: Console | None = None,
    tiers: Sequence[str] = TIERS,
) -> DemoSummary:
    """Create the demo's levels, accounts, drafts, consultations, opinions, events, syntheses
    and decisions."""
    console = console or Console(stderr=True)
    rng = random.Random(seed)
    now = utcnow()
    with unit_of_work(session_factory) as session:
        if session.execute(select(func.count()).select_from(Organisation)).scalar_one():
            console.print("[yellow]Cơ sở dữ liệu đã có dữ liệu; giữ nguyên, không tạo lại.[/]")
            return summarise(session)
        console.print("Đang tạo các cấp, tài khoản và dự thảo…")
        levels = build_orgs(session, tiers)
        people = build_accounts(session, levels)
        story = _collections(session, levels, people, now)
        plans = [(story.report, 620), (story.regulation, 240), (story.on_centre, 90),
                 (story.on_city, 70)]  # fmt: skip
        for collection, count in plans:
            console.print(f"Đang nhận {count} ý kiến cho “{collection.title}”…")
            _opinions(session, collection, count, levels, rng, now)
        console.print("Đang ghi tọa đàm, hội nghị đối thoại, giám sát và kiến nghị…")
        joint_seminar(session, levels, story, rng, now)
        meetings(session, levels, story, people, now)
        console.print("Đang tổng hợp, chuyển lên cấp trên và công bố quyết định…")
        syntheses(session, levels, story, people)
        published_decisions(session, story, people)
        return summarise(session)


def summarise(session: Session) -> DemoSummary:
    """What the database holds, for the CLI to print."""
    url = session.get_bind().engine.url
    summary = DemoSummary(database=url.render_as_string(hide_password=True))
    for consultation in session.execute(select(Consultation).order_by(Consultation.id)).scalars():
        opinion_count = session.execute(
            select(func.count()).where(Opinion.consultation_id == consultation.id)
        ).scalar_one()
        section_count = session.execute(
            select(func.count()).where(Section.version_id == consultation.draft_version_id)
        ).scalar_one()
        summary.consultations.append(
            (consultation.id, consultation.title, section_count, opinion_count)
        )
    summary.organisations = session.execute(
        select(func.count()).select_from(Organisation)
    ).scalar_one()
    for column, target in ((Opinion.channel, summary.by_channel), (Opinion.kind, summary.by_kind)):
        for key, count in session.execute(select(column, func.count()).group_by(column)):
            target[key] = count
    summary.levels = _levels(session)
    summary.story = _story_counts(session)
    names = {key: org.name for key, org in _level_orgs(session).items()}
    summary.accounts = account_rows(names)
    verified = audit.verify(session=session)
    summary.audit_events, summary.audit_intact = verified.checked, verified.ok
    return summary


def _level_orgs(session: Session) -> dict[str, Organisation]:
    found = {}
    for key, name in (("centre", CENTRE), ("city", CITY), ("bloc", BLOC)):
        org = session.scalars(select(Organisation).where(Organisation.name == name)).first()
        if org is not None:
            found[key] = org
    return found


def _levels(session: Session) -> list[tuple[str, str, int, int]]:
    """(tier, organisation, its consultations, its published decisions) per demo level."""
    rows = []
    for org in _level_orgs(session).values():
        held = session.scalar(select(func.count()).where(Consultation.organiser_id == org.id))
        answered = session.scalar(
            select(func.count())
            .select_from(Decision)
            .join(Consultation, Consultation.id == Decision.consultation_id)
            .where(Consultation.organiser_id == org.id, Decision.published_at.is_not(None))
        )
        rows.append((org.tier or "", org.name, held or 0, answered or 0))
    return rows


def _story_counts(session: Session) -> dict[str, int]:
    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "Sự kiện": count(Event),
        "Kiến nghị": count(Recommendation),
        "Báo cáo tổng hợp": count(Synthesis),
        "Mục chuyển lên cấp trên": count(ForwardedItem),
        "Quyết định đã công bố": session.scalar(
            select(func.count()).where(Decision.published_at.is_not(None))
        )
        or 0,
    }


def print_summary(summary: DemoSummary, console: Console) -> None:
    console.print(f"[bold]Dữ liệu mẫu ykien[/] — {summary.database}")
    levels = Table("Cấp", "Tổ chức", "Số đợt lấy ý kiến", "Quyết định đã công bố")
    for tier, name, held, answered in summary.levels:
        levels.add_row(tier, name, str(held), str(answered))
    console.print(levels)
    table = Table("#", "Đợt lấy ý kiến", "Số mục", "Số ý kiến")
    for cid, title, sections, count in summary.consultations:
        table.add_row(str(cid), title, str(sections), str(count))
    console.print(table)
    console.print(f"Tổ chức: {summary.organisations}")
    console.print(
        "Theo kênh: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_channel.items()))
    )
    console.print("Theo loại: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_kind.items())))
    console.print("; ".join(f"{k}: {v}" for k, v in summary.story.items()))
    state = "chuỗi băm nguyên vẹn" if summary.audit_intact else "[red]CHUỖI BĂM BỊ HỎNG[/]"
    console.print(f"Nhật ký kiểm toán: {summary.audit_events} sự kiện, {state}.")
    accounts_table = Table("Tài khoản", "Vai trò", "Đơn vị", "Mật khẩu")
    for username, role, place, password in summary.accounts:
        accounts_table.add_row(username, role, place, password)
    console.print(accounts_table)
