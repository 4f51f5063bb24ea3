import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import SMALL_LAW
from ykien.drafts import service as drafts
from ykien.drafts.models import DraftVersion, Section, SectionMapping
from ykien.errors import Conflict, UserError

SECOND = (
    SMALL_LAW.replace("ít nhất là 30 ngày", "ít nhất là 45 ngày")
    .replace("Điều 4. Thời hạn", "Điều 4. Công khai\nKết quả được công khai.\nĐiều 5. Thời hạn")
    .replace("2. Cá nhân tham gia góp ý kiến.\n", "")
)


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_new_version_is_mapped_onto_the_previous_one(session: Session) -> None:
    draft = drafts.create_draft(session=session, title="Luật thử nghiệm", kind="law")
    first = drafts.import_version(
        session=session, draft_id=draft.id, data=SMALL_LAW.encode(), filename="v1.txt"
    )
    second = drafts.import_version(
        session=session, draft_id=draft.id, data=SECOND.encode(), filename="v2.txt"
    )
    assert (first.number, second.number) == (1, 2)
    assert second.previous_version_id == first.id
    summary = drafts.change_summary(session=session, version_id=second.id)
    assert summary["new"] == 1  # the inserted Điều 4 "Công khai"
    assert summary["removed"] == 1  # khoản 2 of Điều 2
    assert summary["changed"] == 1  # the renumbered Điều 5 with 45 days
    mappings = session.execute(
        select(SectionMapping).where(SectionMapping.version_id == second.id)
    ).scalars()
    changed = next(m for m in mappings if m.status == "changed")
    old = session.get(Section, changed.old_section_id)
    new = session.get(Section, changed.new_section_id)
    assert old is not None and new is not None
    assert (old.label, new.label) == ("Điều 4", "Điều 5")
    assert "45" in changed.diff and "30" in changed.diff


def test_bad_or_identical_files_leave_nothing_behind(session: Session) -> None:
    draft = drafts.create_draft(session=session, title="Luật thử nghiệm", kind="law")
    drafts.import_version(
        session=session, draft_id=draft.id, data=SMALL_LAW.encode(), filename="v1.txt"
    )
    versions, sections = _count(session, DraftVersion), _count(session, Section)
    with pytest.raises(Conflict, match="identical"):
        drafts.import_version(
            session=session, draft_id=draft.id, data=SMALL_LAW.encode(), filename="v1.txt"
        )
    for data, name, code in [
        (b"", "trong.txt", "empty"),
        (b"\x00\x01\x02" * 100, "nhi-phan.txt", "not_text"),
        ("Chỉ một câu văn không có cấu trúc.".encode(), "van.txt", "no_structure"),
        (b"PK\x03\x04hong", "hong.docx", "bad_docx"),
    ]:
        with pytest.raises(UserError) as caught:
            drafts.import_version(session=session, draft_id=draft.id, data=data, filename=name)
        assert caught.value.code == code
        assert name in caught.value.message_vi
    assert (_count(session, DraftVersion), _count(session, Section)) == (versions, sections)
