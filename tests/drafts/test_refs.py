"""Finding references to sections in free text and resolving them against a draft."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from ykien.drafts.parse import ParsedDraft, parse_file, parse_text
from ykien.drafts.refs import Reference, SectionIndex, find_references

VN_LEGAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vn-legal"

LAW = """\
LUẬT THỬ NGHIỆM
Căn cứ Hiến pháp;
Phần thứ nhất
QUY ĐỊNH CHUNG
Chương I
PHẠM VI
Điều 1. Phạm vi
Luật này quy định về thử nghiệm.
Điều 2. Giải thích từ ngữ
1. Dự thảo là văn bản.
2. Ý kiến gồm:
a) Ý kiến trực tuyến;
đ) Ý kiến bằng văn bản.
Chương II
QUYỀN
Mục 1. QUYỀN CHUNG
Điều 3. Quyền góp ý
1. Mọi người có quyền góp ý.
2. Cơ quan phải tiếp thu.
Mục 2. NGHĨA VỤ
Điều 4. Nghĩa vụ
Phần thứ hai
THI HÀNH
Chương III
Điều 5. Hiệu lực
1. Có hiệu lực từ năm 2026.
2. Bãi bỏ luật cũ.
"""

REPORT = """\
BÁO CÁO CHÍNH TRỊ
Mở đầu báo cáo với bối cảnh chung của nhiệm kỳ.
I. ĐÁNH GIÁ
1. Kết quả
a) Về kinh tế
- Tăng trưởng khá.
- Thu ngân sách vượt dự toán.
+ Thu nội địa tăng.
1.1. Chi tiết
2. Hạn chế
II. PHƯƠNG HƯỚNG
1. Mục tiêu
2. Chỉ tiêu
3. Giải pháp
"""


@dataclass
class Stored:
    """Any object with a path can be indexed (stored sections, parsed sections)."""

    path: str


def components(text: str) -> list[tuple[tuple[str, str], ...]]:
    return [ref.components for ref in find_references(text)]


def without_copy_marks(path: str) -> str:
    """ "dieu:1~2/khoan:1" -> "dieu:1/khoan:1"."""
    return re.sub(r"~\d+", "", path)


def labels_resolved(draft: ParsedDraft, *texts: str) -> list[str | None]:
    index = SectionIndex(draft.sections)
    found = [index.resolve_text(text) for text in texts]
    return [draft.sections[i].label if i is not None else None for i in found]


# ---------------------------------------------------------------------------------------------
# Finding references


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("khoản 2 Điều 5", [(("dieu", "5"), ("khoan", "2"))]),
        ("điểm a khoản 2 Điều 5", [(("dieu", "5"), ("khoan", "2"), ("diem", "a"))]),
        ("điểm đ khoản 1 Điều 2", [(("dieu", "2"), ("khoan", "1"), ("diem", "đ"))]),
        ("Chương II", [(("chuong", "2"),)]),
        ("CHƯƠNG 3", [(("chuong", "3"),)]),
        ("Phần thứ nhất", [(("phan", "1"),)]),
        ("PHẦN THỨ HAI MƯƠI MỐT", [(("phan", "21"),)]),
        ("mục 3 phần II", [(("phan", "2"), ("muc", "3"))]),
        ("Mục 1.1 phần ii", [(("phan", "2"), ("muc", "1.1"))]),
        ("tiểu mục 2 mục 1 Chương IV", [(("chuong", "4"), ("muc", "1"), ("tieu_muc", "2"))]),
        ("Điều 12", [(("dieu", "12"),)]),
        ("Điều 19a", [(("dieu", "19a"),)]),
        ("Điều 05", [(("dieu", "5"),)]),
        ("Điều 5 khoản 2", [(("dieu", "5"), ("khoan", "2"))]),
        ("khoản 2, Điều 5 của Luật này", [(("dieu", "5"), ("khoan", "2"))]),
        ("đoạn 2 khoản 1 Điều 3", [(("dieu", "3"), ("khoan", "1"), ("doan", "2"))]),
        ("Lời nói đầu", [(("preamble", ""),)]),
        ("Điều 5, Điều 6", [(("dieu", "5"),), (("dieu", "6"),)]),
        ("các Điều 7, 8 và 9", [(("dieu", "7"),), (("dieu", "8"),), (("dieu", "9"),)]),
        (
            "khoản 1 và khoản 2 Điều 5",
            [(("dieu", "5"), ("khoan", "1")), (("dieu", "5"), ("khoan", "2"))],
        ),
        (
            "điểm a, b và đ khoản 3 Điều 10",
            [
                (("dieu", "10"), ("khoan", "3"), ("diem", "a")),
                (("dieu", "10"), ("khoan", "3"), ("diem", "b")),
                (("dieu", "10"), ("khoan", "3"), ("diem", "đ")),
            ],
        ),
        (
            "Góp ý khoản 2 Điều 5 và điểm b khoản 1 Điều 6.",
            [(("dieu", "5"), ("khoan", "2")), (("dieu", "6"), ("khoan", "1"), ("diem", "b"))],
        ),
    ],
)
def test_find_references(text: str, expected: list[tuple[tuple[str, str], ...]]) -> None:
    assert components(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "dieu 5",
        "DIEU 5",
        "Dieu  5",
        "ĐIỀU 5",
        "Điều 5",
        "Ðiều 5",  # eth for Đ
        unicodedata.normalize("NFD", "Điều 5"),
    ],
)
def test_case_and_diacritics_do_not_matter(text: str) -> None:
    assert components(text) == [(("dieu", "5"),)]


def test_tone_placement_does_not_matter() -> None:
    expected = [(("dieu", "5"), ("khoan", "2"))]
    assert components("khoản 2 điều 5") == expected
    assert components("khỏan 2 điều 5") == expected  # old-style tone placement
    assert components("khoan 2 dieu 5") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "điều kiện 5 năm",
        "chương trình 2",
        "Mục tiêu 3",
        "phân 2 loại",  # "phân" (divide) with its own diacritics is not "phần"
        "Điều này",
        "theo đ5 thì",  # short codes only as the whole input
        "5d",
        "d 5 6",
    ],
)
def test_no_reference(text: str) -> None:
    assert find_references(text) == []


@pytest.mark.parametrize("text", ["đ5", "d5", "Đ5", " Đ.5 ", "D12a"])
def test_short_code_as_the_whole_input(text: str) -> None:
    (ref,) = find_references(text)
    assert ref.components[0][0] == "dieu"
    assert text[ref.start : ref.end] == text.strip()


def test_offsets_point_into_the_original_text() -> None:
    text = "Đề nghị sửa khoản 2 Điều 5, và Chương II."
    refs = find_references(text)
    assert [text[r.start : r.end] for r in refs] == ["khoản 2 Điều 5", "Chương II"]
    decomposed = unicodedata.normalize("NFD", text)
    refs = find_references(decomposed)
    assert [unicodedata.normalize("NFC", decomposed[r.start : r.end]) for r in refs] == [
        "khoản 2 Điều 5",
        "Chương II",
    ]


def test_a_list_shares_the_span_of_its_expression() -> None:
    text = "các Điều 7, 8 và 9"
    spans = {text[r.start : r.end] for r in find_references(text)}
    assert spans == {"Điều 7, 8 và 9"}


# ---------------------------------------------------------------------------------------------
# Resolving references


def test_resolve_law_references() -> None:
    draft = parse_text(LAW)
    assert labels_resolved(
        draft,
        "khoản 2 Điều 2",
        "điểm đ khoản 2 Điều 2",
        "Chương II",
        "chuong 2",
        "Phần thứ nhất",
        "phần 2",
        "mục 1 chương II",
        "Điều 4",
        "d5",
        "Lời nói đầu",
    ) == [
        "Khoản 2 Điều 2",
        "Điểm đ Khoản 2 Điều 2",
        "Chương II",
        "Chương II",
        "Phần thứ nhất",
        "Phần thứ hai",
        "Mục 1 Chương II",
        "Điều 4",
        "Điều 5",
        "Lời nói đầu",
    ]


def test_resolve_report_references() -> None:
    draft = parse_text(REPORT)
    assert labels_resolved(
        draft,
        "mục 3 phần II",
        "Mục 1.1 Phần I",
        "điểm a mục 1 phần I",
        "đoạn 2 điểm a mục 1 phần I",
    ) == ["Mục 3 Phần II", "Mục 1.1 Phần I", "Điểm a Mục 1 Phần I", "Đoạn 2 Điểm a Mục 1 Phần I"]


def test_ambiguous_unknown_and_multiple_give_none() -> None:
    draft = parse_text(LAW)
    assert labels_resolved(
        draft,
        "khoản 1",  # every article has one
        "mục 1",  # only one here, so this one resolves
        "Điều 99",
        "Chương IX",
        "khoản 2 Điều 1",
        "Điều 1, Điều 2",  # two different sections
        "Góp ý chung về dự thảo",
    ) == [None, "Mục 1 Chương II", None, None, None, None, None]
    assert labels_resolved(draft, "Điều 3, Điều 3") == ["Điều 3"]


def test_repeated_numbers_are_ambiguous() -> None:
    index = SectionIndex([Stored("dieu:1"), Stored("dieu:1~2"), Stored("dieu:2")])
    assert index.resolve_text("Điều 1") is None
    assert index.resolve_text("Điều 2") == 2


def test_exact_depth_wins_over_deeper_matches() -> None:
    index = SectionIndex([Stored("muc:1"), Stored("phan:2"), Stored("phan:2/muc:1")])
    assert index.resolve_text("mục 1") == 0
    assert index.resolve_text("mục 1 phần II") == 2
    deeper_only = SectionIndex([Stored("phan:1/muc:1"), Stored("phan:2/muc:1")])
    assert deeper_only.resolve_text("mục 1") is None


def test_long_references_are_checked_along_the_path() -> None:
    draft = parse_text(REPORT)
    index = SectionIndex(draft.sections)
    found = index.resolve_text("Đoạn 2.1 Điểm a Mục 1 Phần I")
    assert found is not None
    assert draft.sections[found].path == "phan:1/muc:1/diem:a/doan:2/doan:2.1"
    assert index.resolve(Reference((), 0, 0)) is None
    missing = Reference((("phan", "1"), ("muc", "1"), ("diem", "b"), ("doan", "2.1")), 0, 0)
    assert index.resolve(missing) is None


@pytest.mark.parametrize("draft_text", [LAW, REPORT], ids=["law", "report"])
def test_every_label_resolves_to_its_section(draft_text: str) -> None:
    draft = parse_text(draft_text)
    index = SectionIndex(draft.sections)
    assert [index.resolve_text(s.label) for s in draft.sections] == list(range(len(draft.sections)))


def test_every_label_of_the_legal_corpus_resolves_unless_numbering_repeats() -> None:
    """Labels resolve to their own section; where a file repeats a number, to nothing."""
    files = sorted(p for p in VN_LEGAL.glob("*.txt") if p.name != "SOURCE.txt")
    if not files:
        pytest.skip(f"{VN_LEGAL} is not available (third-party data lives beside the repo)")
    for path in files:
        draft = parse_file(path.read_bytes(), path.name)
        index = SectionIndex(draft.sections)
        repeated = Counter(without_copy_marks(s.path) for s in draft.sections)
        for position, section in enumerate(draft.sections):
            expected = position if repeated[without_copy_marks(section.path)] == 1 else None
            assert index.resolve_text(section.label) == expected, (path.name, section.label)
