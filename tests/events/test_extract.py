"""extract_event on reports written for these tests, and span checks on real articles."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import shared_data
from ykien.events.extract import EventProposal, Mention, PersonMention, extract_event

REPORTS = Path(__file__).parent / "reports"


def report(name: str) -> EventProposal:
    return extract_event((REPORTS / name).read_text(encoding="utf-8"))


def texts(mentions: list[Mention]) -> list[str]:
    return [mention.text for mention in mentions]


def person(found: PersonMention) -> tuple[str, list[str], str | None]:
    return found.name.text, [title.text for title in found.titles], found.honorific


def all_mentions(proposal: EventProposal) -> list[Mention]:
    mentions = [m for m in (proposal.title, proposal.place) if m is not None]
    mentions += [date.mention for date in proposal.dates]
    mentions += [p.name for p in proposal.people] + [t for p in proposal.people for t in p.titles]
    for group in (
        proposal.organisers,
        proposal.organisations,
        proposal.drafts,
        proposal.opinions,
        proposal.recommendations,
        proposal.commitments,
        proposal.resolutions,
    ):
        mentions += group
    return mentions


def assert_spans_exact(proposal: EventProposal) -> None:
    for mention in all_mentions(proposal):
        assert proposal.text[mention.start : mention.end] == mention.text
        assert mention.text == mention.text.strip() and mention.text


def test_joint_seminar_news_article() -> None:
    found = report("news_joint_seminar.txt")
    assert_spans_exact(found)
    assert found.title is not None and found.title.text.startswith("Khối các cơ quan thành phố")
    assert found.kind == "seminar"
    first = found.dates[0]
    assert (first.mention.text, first.day, first.month, first.year) == ("12/3/2020", 12, 3, 2020)
    assert found.place is not None and found.place.text == "Hội trường Thành ủy"
    assert texts(found.organisers) == [
        "Công đoàn",
        "Hội Cựu chiến binh",
        "Đoàn Thanh niên Khối các cơ quan thành phố",
    ]
    assert [person(p) for p in found.people[:3]] == [
        (
            "Nguyễn Văn Hùng",
            ["Thành ủy viên", "Bí thư Đảng ủy Khối các cơ quan thành phố"],
            "đồng chí",
        ),
        ("Trần Thị Mai", ["Phó Chủ tịch UBND tỉnh Quảng Ninh"], "bà"),
        ("Lê Văn Tám", ["Phó Chủ tịch UBND tỉnh"], None),
    ]
    assert {"Đảng ủy Khối các cơ quan thành phố", "Tiểu ban Văn kiện", "Bộ Chính trị"} <= set(
        texts(found.organisations)
    )
    assert "dự thảo văn kiện Đại hội Đảng bộ thành phố lần thứ XVII" in texts(found.drafts)
    assert texts(found.opinions) == [
        "công tác xây dựng Đảng",
        "phát triển kinh tế số",
        "cải cách hành chính",
    ]
    assert texts(found.recommendations) == [
        "Đảng ủy Khối quan tâm hơn đến đời sống đoàn viên"  # what is asked, after the verbs
    ]
    assert len(found.commitments) == 1
    assert "sẽ tiếp thu đầy đủ các ý kiến" in found.commitments[0].text
    assert texts(found.resolutions) == ["Nghị quyết số 18-NQ/ĐUK ngày 16/01/2019", "Quyết định 217"]
    assert [r.reason for r in found.removed] == ["share_widget", "outlet_tag", "byline"]


def test_dialogue_minutes() -> None:
    found = report("minutes_dialogue.txt")
    assert_spans_exact(found)
    assert found.title is not None and found.title.text.startswith("BIÊN BẢN\nHội nghị đối thoại")
    assert found.kind == "dialogue"
    first = found.dates[0]
    assert (first.day, first.month, first.year, first.hour, first.minute) == (15, 5, 2020, 8, 30)
    assert first.mention.text == "8h30 ngày 15/5/2020"
    assert found.place is not None and found.place.text == "Nhà văn hóa Khối"
    assert texts(found.organisers) == ["Đảng ủy Khối Doanh nghiệp tỉnh", "Công đoàn Khối"]
    assert [person(p) for p in found.people[:2]] == [
        ("Phạm Minh Đức", ["Tỉnh ủy viên", "Bí thư Đảng ủy Khối"], "đồng chí"),
        ("Hoàng Văn Long", ["Chủ tịch Công đoàn Khối"], "ông"),
    ]
    assert "Ban Thường vụ Tỉnh ủy" in texts(found.organisations)
    assert "HỘI CHỦ NGHĨA VIỆT NAM" not in texts(found.organisations)
    assert texts(found.opinions) == [
        "tiền lương và thu nhập của người lao động",
        "nhà ở cho công nhân",
        "thời giờ làm thêm",
    ]
    assert len(found.recommendations) == 1 and len(found.commitments) == 1
    assert found.drafts == [] and found.resolutions == []


@pytest.mark.parametrize(
    ("sentence", "day", "month", "year", "hour"),
    [
        ("Sáng 4/2/2017, hội nghị khai mạc.", 4, 2, 2017, None),
        ("Ngày 10 và 11-5 tại Quảng Ninh, tọa đàm diễn ra.", 10, 5, None, None),
        ("Hội nghị tổ chức ngày 16 tháng 01 năm 2019.", 16, 1, 2019, None),
        ("Hội nghị diễn ra lúc 14h ngày 3/9/2020.", 3, 9, 2020, 14),
    ],
)
def test_date_forms(
    sentence: str, day: int, month: int, year: int | None, hour: int | None
) -> None:
    date = extract_event(sentence).dates[0]
    assert (date.day, date.month, date.year, date.hour) == (day, month, year, hour)


def test_numbers_that_are_not_dates() -> None:
    found = extract_event("Theo Nghị định 20/2017/NĐ-CP, tỷ lệ tăng 10-15% trong 3-5 năm.")
    assert found.dates == []
    assert found.resolutions == []  # a decree is a legal document, not a resolution
    assert texts(found.legal_documents) == ["Nghị định 20/2017/NĐ-CP"]


def test_draft_names_stop_at_the_end_of_the_name() -> None:
    found = extract_event(
        "Đại biểu góp ý dự thảo Luật Đất đai (sửa đổi) và dự thảo Nghị quyết về tiền lương, "
        "trong khi dự thảo này còn nhiều điểm."
    )
    assert texts(found.drafts) == [
        "dự thảo Luật Đất đai (sửa đổi)",
        "dự thảo Nghị quyết về tiền lương",
    ]


def test_title_before_name_and_place_names_are_not_people() -> None:
    found = extract_event(
        "Tọa đàm\nThứ trưởng Bộ Tư pháp Nguyễn Khánh Ngọc phát biểu. Chủ tịch Hà Nội đề nghị."
    )
    assert [person(p) for p in found.people] == [
        ("Nguyễn Khánh Ngọc", ["Thứ trưởng Bộ Tư pháp"], None)
    ]


def consultation_articles(limit: int) -> list[Path]:
    folder = shared_data("vn-news")
    with (folder / "manifest.csv").open(encoding="utf-8") as handle:
        names = [
            row["file"] for row in csv.DictReader(handle) if row["consultation_keyword_hit"] == "1"
        ]
    return [folder / "data" / name for name in names[:limit]]


@pytest.mark.slow
def test_real_articles_give_exact_spans() -> None:
    for path in consultation_articles(120):
        found = extract_event(path.read_text(encoding="utf-8"))
        assert_spans_exact(found)
        assert found.title is not None
