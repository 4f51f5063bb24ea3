"""Builders for a small consultation world, shared by the domain test modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from ykien.accounts import service as accounts
from ykien.consultations import service as consultations
from ykien.consultations.models import Consultation
from ykien.db.base import utcnow
from ykien.drafts import service as drafts
from ykien.drafts.models import Section
from ykien.orgs import service as orgs
from ykien.orgs.models import Organisation

NOW = datetime(2025, 6, 15, 3, 0, tzinfo=UTC)

SMALL_LAW = """LUẬT THỬ NGHIỆM
Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định việc lấy ý kiến nhân dân về dự thảo văn bản.
Điều 2. Đối tượng áp dụng
1. Cơ quan, tổ chức tổ chức lấy ý kiến.
2. Cá nhân tham gia góp ý kiến.
Chương II
TỔ CHỨC LẤY Ý KIẾN
Điều 3. Hình thức lấy ý kiến
1. Lấy ý kiến trực tuyến trên cổng thông tin điện tử.
2. Lấy ý kiến tại hội nghị, tọa đàm gồm:
a) Hội nghị do Đảng uỷ tổ chức;
b) Tọa đàm do các đoàn thể tổ chức;
đ) Các hình thức khác.
Điều 4. Thời hạn
Thời hạn lấy ý kiến ít nhất là 30 ngày.
"""


@dataclass
class World:
    bloc: Organisation
    unit_a: Organisation
    unit_b: Organisation
    outsider: Organisation
    consultation: Consultation
    sections: list[Section]
    member_a: int  # person id, member of unit A
    outsider_person: int

    def section(self, label: str) -> Section:
        return next(s for s in self.sections if s.label == label)


def build_world(
    session: Session,
    *,
    allow_anonymous: bool = False,
    status: str = "open",
    opens_now: bool = False,
) -> World:
    """Two units under a bloc, an outsider, a small law and a consultation on it.

    The window is around NOW, or around the real current time with opens_now (web tests).
    """
    centre = utcnow() if opens_now else NOW
    bloc = orgs.create(session=session, name="Đảng bộ Khối các cơ quan", kind="party_committee")
    unit_a = orgs.create(
        session=session, name="Chi bộ Sở Tài chính", kind="party_cell", parent_id=bloc.id
    )
    unit_b = orgs.create(
        session=session, name="Công đoàn Sở Nội vụ", kind="trade_union", parent_id=bloc.id
    )
    outsider = orgs.create(session=session, name="Hội Nông dân xã", kind="other")
    member = accounts.create_person(
        session=session, full_name="Nguyễn Doãn Hoàn", organisation_id=unit_a.id
    )
    stranger = accounts.create_person(
        session=session, full_name="Trần Thị Lạ", organisation_id=outsider.id
    )
    draft = drafts.create_draft(session=session, title="Luật thử nghiệm", kind="law")
    version = drafts.import_version(
        session=session, draft_id=draft.id, data=SMALL_LAW.encode(), filename="luat.txt"
    )
    consultation = consultations.create(
        session=session,
        title="Lấy ý kiến Luật thử nghiệm",
        draft_version_id=version.id,
        organiser_id=bloc.id,
        opens_at=centre - timedelta(days=10),
        closes_at=centre + timedelta(days=20),
        allow_anonymous=allow_anonymous,
    )
    if status == "open":
        consultations.open_(session=session, consultation_id=consultation.id)
    return World(
        bloc=bloc,
        unit_a=unit_a,
        unit_b=unit_b,
        outsider=outsider,
        consultation=consultation,
        sections=drafts.sections_of(session=session, version_id=version.id),
        member_a=member.id,
        outsider_person=stranger.id,
    )
