"""The demo's levels: the centre, the city and its agencies bloc (with the bloc's units and mass
organisations), and one account per role at each level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ykien.accounts import service as accounts
from ykien.accounts.models import Role
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation

DEMO_PASSWORD = "ykien-demo-2025"
# the configured tiers by default, highest first (Settings.tiers)
TIERS = ("Trung ương", "Tỉnh/Thành phố", "Khối/Huyện", "Cơ sở")
CENTRE = "Ban Chấp hành Trung ương"
CITY = "Đảng bộ thành phố Hòa Bình Xanh"
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
# (username, full name, title, where: "centre" / "city" / "bloc" or a unit index, role)
DEMO_ACCOUNTS: list[tuple[str, str, str, str | int, Role]] = [
    ("quantri", "Hoàng Minh Quân", "Chuyên viên Văn phòng Đảng ủy Khối", "bloc", Role.ADMIN),
    ("chutich", "Võ Thị Thanh Tâm", "Bí thư Đảng ủy Khối", "bloc", Role.CHAIR),
    ("thuky.khoi", "Đặng Văn Hải", "Chánh Văn phòng Đảng ủy Khối", "bloc", Role.SECRETARY),
    ("thuky.taichinh", "Bùi Thị Ngọc Lan", "Phó Bí thư Đảng ủy Sở Tài chính", 0, Role.SECRETARY),
    ("tieuban", "Ngô Quang Vinh", "Thành viên Tiểu ban Văn kiện", "bloc", Role.SUBCOMMITTEE_MEMBER),
    ("dangvien", "Nguyễn Doãn Hoàn", "Đảng viên Chi bộ Phòng Ngân sách", 0, Role.PARTICIPANT),
    ("thuky.thanhpho", "Đỗ Minh Khoa", "Chánh Văn phòng Thành ủy", "city", Role.SECRETARY),
    ("chutich.thanhpho", "Lý Thị Hồng", "Phó Bí thư Thường trực Thành ủy", "city", Role.CHAIR),
    ("tieuban.thanhpho", "Vũ Đức Anh", "Thành viên Tiểu ban Văn kiện Thành ủy", "city",
     Role.SUBCOMMITTEE_MEMBER),
    ("thuky.trunguong", "Lê Văn Thành", "Chuyên viên Văn phòng Trung ương Đảng", "centre",
     Role.SECRETARY),
    ("chutich.trunguong", "Trần Quốc Bảo", "Trưởng Tiểu ban Văn kiện Trung ương", "centre",
     Role.CHAIR),
    ("tieuban.trunguong", "Phan Thị Mai", "Thành viên Tiểu ban Văn kiện Trung ương", "centre",
     Role.SUBCOMMITTEE_MEMBER),
]  # fmt: skip


@dataclass
class Levels:
    centre: Organisation
    city: Organisation
    bloc: Organisation
    mass: list[Organisation]
    units: list[Organisation]

    def at(self, where: str | int) -> Organisation:
        if isinstance(where, int):
            return self.units[where]
        level: Organisation = getattr(self, where)
        return level


def build_orgs(session: Session, tiers: Sequence[str] = TIERS) -> Levels:
    """Centre → city → bloc → the bloc's units and mass organisations (→ grassroots unions)."""
    top, province, district, base = (list(tiers) + [None] * 4)[:4]

    def make(
        name: str,
        kind: str,
        parent: Organisation | None,
        tier: str | None,
        short_name: str | None = None,
    ) -> Organisation:
        return orgs.create(
            session=session,
            name=name,
            kind=kind,
            parent_id=parent.id if parent else None,
            short_name=short_name,
            tier=tier,
            tiers=tiers,
        )

    centre = make(CENTRE, "party_committee", None, top, short_name="Trung ương")
    city = make(CITY, "party_committee", centre, province, short_name="Thành ủy")
    bloc = make(BLOC, "party_committee", city, district, short_name="Đảng bộ Khối")
    mass = [make(n, k, bloc, base, short_name=s) for n, k, s in MASS_ORGS]
    units = [make(n, k, bloc, base) for n, k in UNITS]
    for unit in units[:4]:
        agency = unit.name.removeprefix("Đảng bộ ")
        make(f"Công đoàn cơ sở {agency}", "trade_union", mass[0], base)
    return Levels(centre, city, bloc, mass, units)


def build_accounts(session: Session, levels: Levels) -> dict[str, int]:
    """The demo accounts; username -> person id."""
    made = {}
    for username, name, title, where, role in DEMO_ACCOUNTS:
        org = levels.at(where)
        person = accounts.create_person(
            session=session, full_name=name, title=title, organisation_id=org.id
        )
        accounts.create_account(
            session=session, person_id=person.id, username=username, password=DEMO_PASSWORD
        )
        accounts.grant_role(session=session, person_id=person.id, organisation_id=org.id, role=role)
        made[username] = person.id
    return made


def account_rows(levels_by_key: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """(username, role, where, password) for the summary; `levels_by_key` names the levels."""
    rows = []
    for username, _name, _title, where, role in DEMO_ACCOUNTS:
        place = UNITS[where][0] if isinstance(where, int) else levels_by_key.get(where, where)
        rows.append((username, role.value, place, DEMO_PASSWORD))
    return rows
