"""Mapping a new draft version's sections onto the previous version's."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from ykien.drafts.diff import SectionMatch, diff_pieces, map_versions
from ykien.drafts.parse import ParsedDraft, parse_text

CONSTITUTION = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "vn-legal"

ARTICLES = {
    1: ("Phạm vi điều chỉnh", ["Luật này quy định về việc lấy ý kiến Nhân dân đối với dự thảo."]),
    2: (
        "Đối tượng áp dụng",
        [
            "Cơ quan, tổ chức chủ trì soạn thảo văn bản.",
            "Công dân, tổ chức tham gia góp ý kiến vào dự thảo.",
        ],
    ),
    3: (
        "Nguyên tắc lấy ý kiến",
        [
            "Công khai, minh bạch, bảo đảm mọi người được tham gia.",
            "Tiếp thu, giải trình đầy đủ các ý kiến đã nhận được.",
            "Không phân biệt đối xử giữa các hình thức góp ý.",
        ],
    ),
    4: (
        "Hình thức góp ý",
        [
            "Góp ý trực tuyến trên cổng thông tin điện tử.",
            "Góp ý tại hội nghị, hội thảo, tọa đàm.",
        ],
    ),
    5: ("Thời hạn lấy ý kiến", ["Thời hạn lấy ý kiến ít nhất là sáu mươi ngày."]),
    6: ("Hiệu lực thi hành", ["Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2026."]),
}


def law(articles: list[tuple[str, list[str]]]) -> ParsedDraft:
    """A small law numbered 1..n from (title, clauses) pairs."""
    lines = ["LUẬT LẤY Ý KIẾN", "Chương I", "QUY ĐỊNH CHUNG"]
    for number, (title, clauses) in enumerate(articles, start=1):
        lines.append(f"Điều {number}. {title}")
        lines += [f"{k}. {clause}" for k, clause in enumerate(clauses, start=1)]
    return parse_text("\n".join(lines))


def base() -> ParsedDraft:
    return law([ARTICLES[n] for n in sorted(ARTICLES)])


@dataclass
class StoredSection:
    """Stands for a stored section (any object with these attributes will do)."""

    kind: str
    label: str
    path: str
    heading: str
    text: str


def stored(draft: ParsedDraft) -> list[StoredSection]:
    return [StoredSection(s.kind, s.label, s.path, s.heading, s.text) for s in draft.sections]


def check_invariants(old: ParsedDraft, new: ParsedDraft, matches: list[SectionMatch]) -> None:
    """Every section exactly once, statuses consistent with indexes, kinds never mixed."""
    olds = [m.old_index for m in matches if m.old_index is not None]
    news = [m.new_index for m in matches if m.new_index is not None]
    assert sorted(olds) == list(range(len(old.sections)))
    assert sorted(news) == list(range(len(new.sections)))
    assert news == sorted(news), "results follow the new document's order"
    for m in matches:
        assert m.status in {"same", "changed", "new", "removed"}
        assert (m.old_index is None) == (m.status == "new")
        assert (m.new_index is None) == (m.status == "removed")
        if m.old_index is not None and m.new_index is not None:
            assert old.sections[m.old_index].kind == new.sections[m.new_index].kind
        if m.status == "same":
            assert (m.similarity, m.diff) == (1.0, "")
        elif m.status == "changed":
            assert 0.0 < m.similarity < 1.0
            assert m.diff
        else:
            assert m.diff == ""


def label_map(old: ParsedDraft, new: ParsedDraft, matches: list[SectionMatch]) -> dict[str, str]:
    """Old label -> new label, or "removed"."""
    return {
        old.sections[m.old_index].label: (
            new.sections[m.new_index].label if m.new_index is not None else "removed"
        )
        for m in matches
        if m.old_index is not None
    }


def statuses(matches: list[SectionMatch]) -> Counter[str]:
    return Counter(m.status for m in matches)


def test_unchanged() -> None:
    old, new = base(), base()
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert [(m.old_index, m.new_index) for m in matches] == [
        (i, i) for i in range(len(old.sections))
    ]
    assert statuses(matches) == {"same": len(old.sections)}


def test_edited_clause_has_a_word_diff() -> None:
    old = base()
    edited = dict(ARTICLES)
    edited[3] = (
        ARTICLES[3][0],
        [ARTICLES[3][1][0], "Tiếp thu, giải trình kịp thời các ý kiến.", ARTICLES[3][1][2]],
    )
    new = law([edited[n] for n in sorted(edited)])
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert statuses(matches) == {"same": len(old.sections) - 1, "changed": 1}
    changed = next(m for m in matches if m.status == "changed")
    assert new.sections[changed.new_index or 0].label == "Khoản 2 Điều 3"
    assert changed.diff == (
        "Tiếp thu, giải trình [-đầy đủ-] {+kịp thời+} các ý [-kiến đã nhận được.-] {+kiến.+}"
    )
    assert changed.similarity > 0.6


def test_inserted_article_renumbers_the_rest() -> None:
    old = base()
    inserted = ("Quyền góp ý", ["Mọi công dân có quyền góp ý vào dự thảo văn bản quy phạm."])
    new = law(
        [ARTICLES[1], ARTICLES[2], inserted, ARTICLES[3], ARTICLES[4], ARTICLES[5], ARTICLES[6]]
    )
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert statuses(matches) == {"same": len(old.sections), "new": 2}
    mapping = label_map(old, new, matches)
    assert mapping["Điều 2"] == "Điều 2"
    assert mapping["Điều 3"] == "Điều 4"
    assert mapping["Khoản 3 Điều 3"] == "Khoản 3 Điều 4"
    assert mapping["Điều 6"] == "Điều 7"
    new_labels = [new.sections[m.new_index or 0].label for m in matches if m.status == "new"]
    assert new_labels == ["Điều 3", "Khoản 1 Điều 3"]


def test_deleted_article() -> None:
    old = base()
    new = law([ARTICLES[n] for n in (1, 2, 3, 5, 6)])
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    removed = [old.sections[m.old_index or 0].label for m in matches if m.status == "removed"]
    assert removed == ["Điều 4", "Khoản 1 Điều 4", "Khoản 2 Điều 4"]
    assert label_map(old, new, matches)["Điều 5"] == "Điều 4"
    # A removed section is listed right after the match of the section before it.
    position = next(k for k, m in enumerate(matches) if m.status == "removed")
    previous = matches[position - 1]
    assert old.sections[previous.old_index or 0].label == "Khoản 3 Điều 3"


def test_renumbered_and_edited() -> None:
    old = base()
    inserted = ("Quyền góp ý", ["Mọi công dân có quyền góp ý vào dự thảo văn bản quy phạm."])
    edited_5 = ("Thời hạn lấy ý kiến", ["Thời hạn lấy ý kiến ít nhất là ba mươi ngày."])
    new = law([inserted, *(ARTICLES[n] for n in (1, 2, 3, 4)), edited_5, ARTICLES[6]])
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    mapping = label_map(old, new, matches)
    assert mapping["Điều 1"] == "Điều 2"
    assert mapping["Khoản 1 Điều 5"] == "Khoản 1 Điều 6"
    changed = [m for m in matches if m.status == "changed"]
    assert [new.sections[m.new_index or 0].label for m in changed] == ["Khoản 1 Điều 6"]
    assert changed[0].diff == "… kiến ít nhất là [-sáu-] {+ba+} mươi ngày."


def test_reordered_articles() -> None:
    old = base()
    new = law([ARTICLES[n] for n in (1, 2, 4, 3, 5, 6)])
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert statuses(matches) == {"same": len(old.sections)}
    mapping = label_map(old, new, matches)
    assert mapping["Điều 3"] == "Điều 4"
    assert mapping["Điều 4"] == "Điều 3"
    assert mapping["Khoản 2 Điều 4"] == "Khoản 2 Điều 3"


def test_articles_without_own_text_follow_their_clauses() -> None:
    """As in the Constitution: "Điều 2." holds nothing but its clauses."""
    old = parse_text("Điều 1.\n1. Một.\n2. Hai.\nĐiều 2.\n1. Ba.\n2. Bốn.\n")
    new = parse_text(
        "Điều 1.\n1. Mới.\n2. Mới nữa.\nĐiều 2.\n1. Một.\n2. Hai.\nĐiều 3.\n1. Ba.\n2. Bốn.\n"
    )
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    mapping = label_map(old, new, matches)
    assert mapping["Điều 1"] == "Điều 2"
    assert mapping["Điều 2"] == "Điều 3"
    assert mapping["Khoản 2 Điều 2"] == "Khoản 2 Điều 3"
    assert statuses(matches) == {"same": 6, "new": 3}


def test_long_sections_get_a_line_diff() -> None:
    old = parse_text("LỜI NÓI ĐẦU\nDòng một.\nDòng hai.\nDòng ba.\nDòng bốn.\nĐiều 1. A\n")
    new = parse_text("LỜI NÓI ĐẦU\nDòng một.\nDòng hai đã sửa.\nDòng ba.\nDòng bốn.\nĐiều 1. A\n")
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert matches[0].status == "changed"
    assert matches[0].diff.splitlines() == [
        "@@ -2,3 +2,3 @@",
        " Dòng một.",
        "-Dòng hai.",
        "+Dòng hai đã sửa.",
        " Dòng ba.",
    ]


def test_stored_sections_and_parsed_sections_mix() -> None:
    old, new = base(), base()
    matches = map_versions(stored(old), new.sections)
    assert statuses(matches) == {"same": len(old.sections)}


def test_everything_new_or_removed() -> None:
    old = base()
    new = parse_text("Chương I\nĐiều 1. Khác hẳn\nNội dung không liên quan gì.\n")
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert map_versions([], new.sections) == [
        SectionMatch(None, i, "new", 0.0) for i in range(len(new.sections))
    ]
    assert [m.status for m in map_versions(old.sections, [])] == ["removed"] * len(old.sections)


def test_two_thousand_sections_with_an_insertion_and_edits() -> None:
    """The size of a large code; speed is measured in benchmarks, correctness here."""
    articles = [
        (
            f"Tiêu đề điều số {n}",
            [f"Khoản {k} của điều {n}: nội dung quy định thứ {n * 10 + k}." for k in range(1, 10)],
        )
        for n in range(1, 201)
    ]
    old = law(articles)
    changed = [
        (title, [*clauses[:4], clauses[4] + " Bổ sung.", *clauses[5:]])
        for title, clauses in articles
    ]
    new = law([("Điều mới", ["Một khoản hoàn toàn mới."]), *changed[:100], *articles[100:]])
    assert len(old.sections) == 2_001
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert statuses(matches) == {"same": 2_001 - 100, "changed": 100, "new": 2}
    mapping = label_map(old, new, matches)
    assert all(mapping[f"Khoản 5 Điều {n}"] == f"Khoản 5 Điều {n + 1}" for n in range(1, 201))


def test_constitution_with_an_inserted_article() -> None:
    path = CONSTITUTION / "hien-phap.txt"
    if not path.is_file():
        pytest.skip(f"{path} is not available (third-party data lives beside the repo)")
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    old = parse_text(text)

    def shift(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"Điều {number + 1 if number >= 3 else number}."

    shifted = re.sub(r"^Điều (\d+)\.", shift, text, flags=re.MULTILINE)
    new = parse_text(
        shifted.replace("Điều 4.", "Điều 3.\n\nĐiều mới về chuyển đổi số.\n\nĐiều 4.", 1)
    )
    assert len([s for s in new.sections if s.kind == "dieu"]) == 121
    matches = map_versions(old.sections, new.sections)
    check_invariants(old, new, matches)
    assert statuses(matches) == {"same": len(old.sections), "new": 1}
    mapping = label_map(old, new, matches)
    assert mapping["Điều 3"] == "Điều 4"
    assert mapping["Khoản 2 Điều 120"] == "Khoản 2 Điều 121"


def test_a_stored_word_diff_becomes_pieces_to_show() -> None:
    """Issue 12: pages showed the raw [-…-] {+…+} markup; they show these pieces as del/ins."""
    pieces = diff_pieces("… kiến ít nhất là [-sáu-] {+ba+} mươi ngày.")
    assert [(p.kind, p.text) for p in pieces] == [
        ("same", "… kiến ít nhất là "),
        ("removed", "sáu"),
        ("same", " "),
        ("added", "ba"),
        ("same", " mươi ngày."),
    ]
    assert diff_pieces("") == []


def test_a_stored_line_diff_becomes_pieces_to_show() -> None:
    diff = "@@ -1,2 +1,2 @@\n Điều 4. Thời hạn\n-Ít nhất 60 ngày.\n+Ít nhất 30 ngày."
    assert [(p.kind, p.text) for p in diff_pieces(diff)] == [
        ("gap", "…\n"),
        ("same", "Điều 4. Thời hạn\n"),
        ("removed", "Ít nhất 60 ngày.\n"),
        ("added", "Ít nhất 30 ngày.\n"),
    ]
