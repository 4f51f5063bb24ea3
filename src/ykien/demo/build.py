"""Build the demo: a city's agencies bloc consulting its members on two drafts.

Everything goes through the same services as real use (drafts are parsed from files, opinions
are submitted through intake or imported from a generated CSV), so the demo exercises them.
"""

from __future__ import annotations

import csv
import random
import tempfile
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
from ykien.accounts.models import Role
from ykien.audit import service as audit
from ykien.consultations import service as consultations
from ykien.db.base import utcnow
from ykien.db.engine import unit_of_work
from ykien.demo.opinions import DemoOpinion, generate_opinions
from ykien.drafts import service as drafts
from ykien.drafts.models import Section
from ykien.drafts.refs import SectionIndex
from ykien.opinions import service as opinions
from ykien.opinions.importer import import_opinions
from ykien.opinions.models import Opinion
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation

DEMO_PASSWORD = "ykien-demo-2025"
BLOC = "Đảng bộ Khối các cơ quan thành phố Hòa Bình Xanh"
MASS_ORGS = [
    ("Công đoàn Viên chức Khối các cơ quan thành phố", "trade_union", "Công đoàn Khối"),
    ("Hội Cựu chiến binh Khối các cơ quan thành phố", "veterans_association", "Hội CCB Khối"),
    ("Đoàn Thanh niên Khối các cơ quan thành phố", "youth_union", "Đoàn Khối"),
]
UNITS = [
    ("Đảng bộ Sở Tài chính", "party_committee"),
    ("Đảng bộ Sở Nội vụ", "party_committee"),
    ("Đảng bộ Sở Tư pháp", "party_committee"),
    ("Đảng bộ Sở Kế hoạch và Đầu tư", "party_committee"),
    ("Chi bộ Văn phòng Hội đồng nhân dân thành phố", "party_cell"),
    ("Đảng bộ Sở Thông tin và Truyền thông", "party_committee"),
    ("Chi bộ Ban Dân tộc thành phố", "party_cell"),
]
# (username, full name, title, unit index or None for the bloc, role)
DEMO_ACCOUNTS = [
    ("quantri", "Hoàng Minh Quân", "Chuyên viên Văn phòng Đảng ủy Khối", None, Role.ADMIN),
    ("chutich", "Võ Thị Thanh Tâm", "Bí thư Đảng ủy Khối", None, Role.CHAIR),
    ("thuky.khoi", "Đặng Văn Hải", "Chánh Văn phòng Đảng ủy Khối", None, Role.SECRETARY),
    ("thuky.taichinh", "Bùi Thị Ngọc Lan", "Phó Bí thư Đảng ủy Sở Tài chính", 0, Role.SECRETARY),
    ("tieuban", "Ngô Quang Vinh", "Thành viên Tiểu ban Văn kiện", None, Role.SUBCOMMITTEE_MEMBER),
    ("dangvien", "Nguyễn Doãn Hoàn", "Đảng viên Chi bộ Phòng Ngân sách", 0, Role.PARTICIPANT),
]


@dataclass
class DemoSummary:
    database: str
    consultations: list[tuple[int, str, int, int]] = field(default_factory=list)
    organisations: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    audit_events: int = 0
    audit_intact: bool = True


def _content(name: str) -> bytes:
    return files("ykien.demo").joinpath("content", name).read_bytes()


def _build_orgs(session: Session) -> tuple[Organisation, list[Organisation], list[Organisation]]:
    bloc = orgs.create(
        session=session, name=BLOC, kind="party_committee", short_name="Đảng bộ Khối"
    )
    mass = [
        orgs.create(session=session, name=n, kind=k, parent_id=bloc.id, short_name=s)
        for n, k, s in MASS_ORGS
    ]
    units = [orgs.create(session=session, name=n, kind=k, parent_id=bloc.id) for n, k in UNITS]
    for unit in units[:4]:
        agency = unit.name.removeprefix("Đảng bộ ")
        orgs.create(
            session=session,
            name=f"Công đoàn cơ sở {agency}",
            kind="trade_union",
            parent_id=mass[0].id,
        )
    return bloc, mass, units


def _build_accounts(
    session: Session, bloc: Organisation, units: list[Organisation]
) -> list[tuple[str, str, str]]:
    made = []
    for username, name, title, unit_index, role in DEMO_ACCOUNTS:
        org = bloc if unit_index is None else units[unit_index]
        person = accounts.create_person(
            session=session, full_name=name, title=title, organisation_id=org.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username=username, password=DEMO_PASSWORD
        )
        accounts.grant_role(session=session, person_id=person.id, organisation_id=org.id, role=role)
        made.append((username, role.value, org.name))
    return made


def _consultation(
    session: Session, *, file: str, title: str, kind: str, bloc: Organisation, now: datetime
) -> tuple[int, list[Section]]:
    draft = drafts.create_draft(session=session, title=title, kind=kind, organisation_id=bloc.id)
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=_content(file), filename=file
    )
    consultation = consultations.create(
        session=session,
        title=f"Lấy ý kiến góp ý {title[0].lower()}{title[1:]}",
        draft_version_id=version.id,
        organiser_id=bloc.id,
        opens_at=now - timedelta(days=14),
        closes_at=now + timedelta(days=16),
        allow_anonymous=True,
    )
    consultations.open_(session=session, consultation_id=consultation.id)
    sections = drafts.sections_of(session=session, version_id=version.id)
    _subcommittees(session, consultation.id, bloc, sections)
    return consultation.id, sections


def _subcommittees(
    session: Session, consultation_id: int, bloc: Organisation, sections: list[Section]
) -> None:
    """Split the top-level parts/chapters between two document subcommittees."""
    tops = [s for s in sections if s.parent_id is None and s.kind != "preamble"]
    half = max(1, len(tops) // 2)
    top_of: dict[int, int] = {}
    for section in sections:
        parent = top_of.get(section.parent_id) if section.parent_id else None
        top_of[section.id] = parent if parent is not None else section.id
    groups = [
        ("Tiểu ban Văn kiện Đảng bộ Khối — tổ đánh giá kết quả", {t.id for t in tops[:half]}),
        ("Tiểu ban Văn kiện Đảng bộ Khối — tổ phương hướng, nhiệm vụ", {t.id for t in tops[half:]}),
    ]
    for name, roots in groups:
        consultations.add_subcommittee(
            session=session,
            consultation_id=consultation_id,
            organisation_id=bloc.id,
            name=name,
            section_ids=[s.id for s in sections if top_of[s.id] in roots],
        )


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


def build_demo(
    session_factory: sessionmaker[Session], *, seed: int = 2025, console: Console | None = None
) -> DemoSummary:
    """Create the demo organisations, accounts, drafts, consultations and opinions."""
    console = console or Console(stderr=True)
    rng = random.Random(seed)
    now = utcnow()
    with unit_of_work(session_factory) as session:
        if session.execute(select(func.count()).select_from(Organisation)).scalar_one():
            console.print("[yellow]Cơ sở dữ liệu đã có dữ liệu; giữ nguyên, không tạo lại.[/]")
            return summarise(session)
        console.print("Đang tạo tổ chức, tài khoản và dự thảo…")
        bloc, mass, units = _build_orgs(session)
        _build_accounts(session, bloc, units)
        plans = [
            ("bao-cao-chinh-tri.txt", "Dự thảo Báo cáo chính trị Đại hội Đảng bộ Khối lần thứ VIII",
             "political_report", 620),
            ("quy-che.txt", "Dự thảo Quy chế lấy ý kiến góp ý dự thảo văn kiện Đại hội",
             "regulation", 240),
        ]  # fmt: skip
        for file, title, kind, count in plans:
            consultation_id, sections = _consultation(
                session, file=file, title=title, kind=kind, bloc=bloc, now=now
            )
            refs = [s.label for s in sections if s.kind != "preamble"]
            generated = generate_opinions(rng, count=count, section_refs=refs)
            people = _people_for(session, generated, units, rng)
            console.print(f"Đang nhận {count} ý kiến cho “{title}”…")
            rest = _submit_all(
                session, consultation_id=consultation_id, sections=sections,
                generated=generated, people=people, mass=mass, rng=rng, now=now,
            )  # fmt: skip
            _import_csv(session, consultation_id, rest, units, rng, now)
        return summarise(session)


def summarise(session: Session) -> DemoSummary:
    """What the database holds, for the CLI to print."""
    from ykien.consultations.models import Consultation

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
    summary.accounts = [(u, r, DEMO_PASSWORD) for u, _n, _t, _i, r in DEMO_ACCOUNTS]
    verified = audit.verify(session=session)
    summary.audit_events, summary.audit_intact = verified.checked, verified.ok
    return summary


def print_summary(summary: DemoSummary, console: Console) -> None:
    console.print(f"[bold]Dữ liệu mẫu ykien[/] — {summary.database}")
    table = Table("#", "Đợt lấy ý kiến", "Số mục", "Số ý kiến")
    for cid, title, sections, count in summary.consultations:
        table.add_row(str(cid), title, str(sections), str(count))
    console.print(table)
    console.print(f"Tổ chức: {summary.organisations}")
    console.print(
        "Theo kênh: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_channel.items()))
    )
    console.print("Theo loại: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.by_kind.items())))
    state = "chuỗi băm nguyên vẹn" if summary.audit_intact else "[red]CHUỖI BĂM BỊ HỎNG[/]"
    console.print(f"Nhật ký kiểm toán: {summary.audit_events} sự kiện, {state}.")
    accounts_table = Table("Tài khoản", "Vai trò", "Mật khẩu")
    for username, role, password in summary.accounts:
        accounts_table.add_row(username, role, password)
    console.print(accounts_table)
