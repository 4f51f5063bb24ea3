"""Parsing drafts: the real legal corpus, hand-written drafts in three formats, bad input."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest

from ykien.drafts.parse import (
    DraftParseError,
    ParsedDraft,
    ParsedSection,
    normalise_number,
    parse_file,
    parse_text,
)

SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
VN_LEGAL = SHARED_DATA / "vn-legal"
LEGAL_FILES = (
    sorted(path.name for path in VN_LEGAL.glob("*.txt") if path.name != "SOURCE.txt")
    if VN_LEGAL.is_dir()
    else []
)

# Quirks of the real files, each handled by a general rule of the parser (no file is special-cased).
QUIRKS = {
    "bo-luat-hinh-su.txt": ("317", "“Ðiều 317” is typed with Ð (U+00D0 eth) instead of Đ"),
    "bo-luat-to-tung-hinh-su.txt": ("413", "Điều 413, 416, 418-420, 422-425 are typed with Ð"),
    "luat-sy-quan-quan-doi-nhan-dan-viet-nam.txt": ("15", "“Điều15.” has no space"),
    "luat-ngan-hang-nha-nuoc.txt": ("11", "a sentence wraps so that a line starts “Điều 11 của”"),
}

LAW = """\
QUỐC HỘI
--------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Luật số: 15/2025/QH15
Hà Nội, ngày 01 tháng 7 năm 2025

DỰ THẢO 2

LUẬT
THỬ NGHIỆM CẤU TRÚC

Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Thử nghiệm cấu trúc.

Phần thứ nhất
NHỮNG QUY ĐỊNH CHUNG

Chương I
PHẠM VI ĐIỀU CHỈNH

Điều 1. Phạm vi điều chỉnh
Luật này quy định về thử nghiệm cấu trúc dự thảo.

Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Dự thảo là văn bản được công bố để lấy ý kiến.
2. Ý kiến gồm:
a) Ý kiến trực tuyến;
b) Ý kiến tại hội nghị;
c) Ý kiến tại buổi đối thoại;
d) Ý kiến bằng văn bản;
đ) Ý kiến qua đường bưu điện.
Ý kiến phải được ghi nhận đầy đủ.

CHƯƠNG II
QUYỀN VÀ NGHĨA VỤ

Mục 1
QUYỀN

Ðiều 3. Quyền góp ý
Mọi công dân có quyền góp ý vào dự thảo.

Mục 2. NGHĨA VỤ

Tiểu mục 1. NGHĨA VỤ CHUNG

ĐIỀU 4. NGHĨA VỤ TUÂN THỦ
1. Tuân thủ quy định của Luật này.

PHẦN THỨ HAI
ĐIỀU KHOẢN THI HÀNH

Chương III

Điều 5. Sửa đổi, bổ sung luật khác
1. Điều 10 của Luật Ví dụ được sửa đổi như sau:
“Điều 10. Quyền khác
1. Khoản được trích dẫn.
a) Điểm được trích dẫn.”
2. Bãi bỏ khoản 3 Điều 11 của Luật Ví dụ.

Điều 6. Hiệu lực thi hành
Luật này có hiệu lực từ ngày 01 tháng 01 năm 2026.
"""

# (label, path, heading) of every section of LAW, in order.
LAW_OUTLINE = [
    ("Lời nói đầu", "preamble", ""),
    ("Phần thứ nhất", "phan:1", "NHỮNG QUY ĐỊNH CHUNG"),
    ("Chương I", "phan:1/chuong:1", "PHẠM VI ĐIỀU CHỈNH"),
    ("Điều 1", "phan:1/chuong:1/dieu:1", "Phạm vi điều chỉnh"),
    ("Điều 2", "phan:1/chuong:1/dieu:2", "Giải thích từ ngữ"),
    ("Khoản 1 Điều 2", "phan:1/chuong:1/dieu:2/khoan:1", ""),
    ("Khoản 2 Điều 2", "phan:1/chuong:1/dieu:2/khoan:2", ""),
    ("Điểm a Khoản 2 Điều 2", "phan:1/chuong:1/dieu:2/khoan:2/diem:a", ""),
    ("Điểm b Khoản 2 Điều 2", "phan:1/chuong:1/dieu:2/khoan:2/diem:b", ""),
    ("Điểm c Khoản 2 Điều 2", "phan:1/chuong:1/dieu:2/khoan:2/diem:c", ""),
    ("Điểm d Khoản 2 Điều 2", "phan:1/chuong:1/dieu:2/khoan:2/diem:d", ""),
    ("Điểm đ Khoản 2 Điều 2", "phan:1/chuong:1/dieu:2/khoan:2/diem:đ", ""),
    ("Chương II", "phan:1/chuong:2", "QUYỀN VÀ NGHĨA VỤ"),
    ("Mục 1 Chương II", "phan:1/chuong:2/muc:1", "QUYỀN"),
    ("Điều 3", "phan:1/chuong:2/muc:1/dieu:3", "Quyền góp ý"),
    ("Mục 2 Chương II", "phan:1/chuong:2/muc:2", "NGHĨA VỤ"),
    ("Tiểu mục 1 Mục 2 Chương II", "phan:1/chuong:2/muc:2/tieu_muc:1", "NGHĨA VỤ CHUNG"),
    ("Điều 4", "phan:1/chuong:2/muc:2/tieu_muc:1/dieu:4", "NGHĨA VỤ TUÂN THỦ"),
    ("Khoản 1 Điều 4", "phan:1/chuong:2/muc:2/tieu_muc:1/dieu:4/khoan:1", ""),
    ("Phần thứ hai", "phan:2", "ĐIỀU KHOẢN THI HÀNH"),
    ("Chương III", "phan:2/chuong:3", ""),
    ("Điều 5", "phan:2/chuong:3/dieu:5", "Sửa đổi, bổ sung luật khác"),
    ("Khoản 1 Điều 5", "phan:2/chuong:3/dieu:5/khoan:1", ""),
    ("Khoản 2 Điều 5", "phan:2/chuong:3/dieu:5/khoan:2", ""),
    ("Điều 6", "phan:2/chuong:3/dieu:6", "Hiệu lực thi hành"),
]

REPORT = """\
ĐẢNG BỘ KHỐI CÁC CƠ QUAN THÀNH PHỐ
*
Hà Nội, ngày 10 tháng 3 năm 2025

BÁO CÁO CHÍNH TRỊ
CỦA BAN CHẤP HÀNH ĐẢNG BỘ KHỐI KHOÁ XV

Đại hội đại biểu Đảng bộ Khối lần thứ XVI diễn ra khi cả nước thực hiện Nghị quyết.
Chủ đề của Đại hội: Xây dựng Đảng bộ Khối trong sạch, vững mạnh.

I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI XV

1. Công tác chính trị, tư tưởng
Công tác giáo dục chính trị, tư tưởng được quan tâm thực hiện.
a) Việc học tập, quán triệt nghị quyết
- Tổ chức 12 hội nghị quán triệt cho 3.500 đảng viên.
- Các chi bộ sinh hoạt chuyên đề đều đặn.
+ Chi bộ cơ sở: 95% đạt yêu cầu.
+ Chi bộ trực thuộc: 90% đạt yêu cầu.
Nhìn chung, chất lượng học tập nghị quyết được nâng lên.
b) Công tác nắm bắt tư tưởng
1.1. Kết quả đạt được
1.2. Hạn chế
2. Công tác tổ chức, cán bộ

II. PHƯƠNG HƯỚNG, MỤC TIÊU NHIỆM KỲ 2025 - 2030
1. Mục tiêu tổng quát
Xây dựng Đảng bộ Khối trong sạch, vững mạnh toàn diện.
2. Các chỉ tiêu chủ yếu
3. Nhiệm vụ và giải pháp
- Đổi mới phương thức lãnh đạo.
- Nâng cao chất lượng sinh hoạt chi bộ.
"""

REPORT_OUTLINE = [
    ("Lời nói đầu", "preamble", ""),
    ("Phần I", "phan:1", "ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT ĐẠI HỘI XV"),
    ("Mục 1 Phần I", "phan:1/muc:1", "Công tác chính trị, tư tưởng"),
    ("Điểm a Mục 1 Phần I", "phan:1/muc:1/diem:a", ""),
    ("Đoạn 1 Điểm a Mục 1 Phần I", "phan:1/muc:1/diem:a/doan:1", ""),
    ("Đoạn 2 Điểm a Mục 1 Phần I", "phan:1/muc:1/diem:a/doan:2", ""),
    ("Đoạn 2.1 Điểm a Mục 1 Phần I", "phan:1/muc:1/diem:a/doan:2/doan:2.1", ""),
    ("Đoạn 2.2 Điểm a Mục 1 Phần I", "phan:1/muc:1/diem:a/doan:2/doan:2.2", ""),
    ("Điểm b Mục 1 Phần I", "phan:1/muc:1/diem:b", ""),
    ("Mục 1.1 Phần I", "phan:1/muc:1/muc:1.1", "Kết quả đạt được"),
    ("Mục 1.2 Phần I", "phan:1/muc:1/muc:1.2", "Hạn chế"),
    ("Mục 2 Phần I", "phan:1/muc:2", "Công tác tổ chức, cán bộ"),
    ("Phần II", "phan:2", "PHƯƠNG HƯỚNG, MỤC TIÊU NHIỆM KỲ 2025 - 2030"),
    ("Mục 1 Phần II", "phan:2/muc:1", "Mục tiêu tổng quát"),
    ("Mục 2 Phần II", "phan:2/muc:2", "Các chỉ tiêu chủ yếu"),
    ("Mục 3 Phần II", "phan:2/muc:3", "Nhiệm vụ và giải pháp"),
    ("Đoạn 1 Mục 3 Phần II", "phan:2/muc:3/doan:1", ""),
    ("Đoạn 2 Mục 3 Phần II", "phan:2/muc:3/doan:2", ""),
]

# Lines that become headings in the Markdown and DOCX versions of the drafts above.
HEADING_STARTS = ("Phần", "PHẦN", "Chương", "CHƯƠNG", "Mục", "Tiểu mục", "I.", "II.")
TITLE_LINES = ("LUẬT", "BÁO CÁO CHÍNH TRỊ")


def outline(draft: ParsedDraft) -> list[tuple[str, str, str]]:
    return [(s.label, s.path, s.heading) for s in draft.sections]


def by_path(draft: ParsedDraft, path: str) -> ParsedSection:
    return next(s for s in draft.sections if s.path == path)


def assert_tree(draft: ParsedDraft) -> None:
    """Order, parent, depth and path are consistent and paths unique."""
    paths = [s.path for s in draft.sections]
    assert len(set(paths)) == len(paths)
    for index, section in enumerate(draft.sections):
        assert section.order == index
        if section.parent is None:
            assert section.depth == 0
            assert "/" not in section.path
        else:
            parent = draft.sections[section.parent]
            assert section.parent < index
            assert section.depth == parent.depth + 1
            assert section.path.startswith(parent.path + "/")


def to_markdown(text: str) -> str:
    """The draft as Markdown: # title, ## headings, bold Điều lines, escaped numbering."""
    lines = []
    for line in text.splitlines():
        if line.startswith(TITLE_LINES):
            lines.append(f"# {line}")
        elif line.startswith(HEADING_STARTS):
            lines.append(f"## {line}")
        elif line.startswith(("Điều", "ĐIỀU", "Ðiều")):
            lines.append(f"**{line}**")
        else:
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def to_docx(text: str) -> bytes:
    """The draft as a Word file with Title/Heading styles, plus a table inside the last Điều."""
    document = docx.Document()
    for line in text.splitlines():
        if line.startswith(TITLE_LINES):
            document.add_heading(line, level=0)
        elif line.startswith(HEADING_STARTS):
            document.add_heading(line, level=1)
        elif line.startswith(("Điều", "ĐIỀU", "Ðiều")):
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Mốc thời gian"
    table.rows[0].cells[1].text = "01/01/2026"
    document.add_paragraph("Đoạn sau bảng.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def legal_file(name: str) -> Path:
    """A file of the legal corpus beside the repository; skips when the data is absent."""
    path = VN_LEGAL / name
    if not path.is_file():
        pytest.skip(f"{path} is not available (third-party data lives beside the repo)")
    return path


# ---------------------------------------------------------------------------------------------
# The real corpus


def test_constitution_has_preamble_11_chapters_and_120_articles() -> None:
    draft = parse_file(legal_file("hien-phap.txt").read_bytes(), "hien-phap.txt")
    assert_tree(draft)
    assert draft.title == "HIẾN PHÁP NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    first = draft.sections[0]
    assert (first.kind, first.label, first.heading) == ("preamble", "Lời nói đầu", "LỜI NÓI ĐẦU")
    assert first.text.startswith("Trải qua mấy nghìn năm lịch sử")
    chapters = [s for s in draft.sections if s.kind == "chuong"]
    assert [s.number for s in chapters] == [str(n) for n in range(1, 12)]
    assert [chapters[0].label, chapters[-1].label] == ["Chương I", "Chương XI"]
    assert chapters[0].heading == "CHẾ ĐỘ CHÍNH TRỊ"
    articles = [s for s in draft.sections if s.kind == "dieu"]
    assert [s.number for s in articles] == [str(n) for n in range(1, 121)]
    assert all(draft.sections[s.parent].kind == "chuong" for s in articles if s.parent is not None)
    clauses = [s for s in draft.sections if s.kind == "khoan"]
    assert len(clauses) == 244
    assert all(draft.sections[s.parent].kind == "dieu" for s in clauses if s.parent is not None)
    # The Constitution has no lettered points; its articles hold only clauses.
    assert not [s for s in draft.sections if s.kind == "diem"]
    assert len(draft.sections) == 1 + 11 + 120 + 244


def test_constitution_decomposed_articles_are_found_and_composed() -> None:
    """Điều 64-68, 115 and 116 are stored decomposed (NFD) in the file."""
    raw = legal_file("hien-phap.txt").read_text(encoding="utf-8")
    assert "Điều 64" not in raw
    draft = parse_file(raw.encode(), "hien-phap.txt")
    article = by_path(draft, "chuong:4/dieu:64")
    assert article.label == "Điều 64"
    assert article.text == unicodedata.normalize("NFC", article.text)
    assert article.text.startswith("Bảo vệ Tổ quốc Việt Nam xã hội chủ nghĩa")


@pytest.mark.parametrize("name", LEGAL_FILES or ["(vn-legal data absent)"])
def test_every_legal_file_numbers_its_articles_1_to_n(name: str) -> None:
    path = legal_file(name)
    draft = parse_file(path.read_bytes(), name)
    assert_tree(draft)
    numbers = [s.number for s in draft.sections if s.kind == "dieu"]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert draft.title


@pytest.mark.parametrize(("name", "article", "reason"), [(n, a, r) for n, (a, r) in QUIRKS.items()])
def test_legal_file_quirks_are_handled_by_general_rules(
    name: str, article: str, reason: str
) -> None:
    draft = parse_file(legal_file(name).read_bytes(), name)
    articles = [s for s in draft.sections if s.kind == "dieu" and s.number == article]
    assert len(articles) == 1, reason


def test_articles_quoted_by_an_amending_law_are_text_not_sections() -> None:
    name = "luat-dau-tu-nuoc-ngoai-tai-viet-nam.txt"
    draft = parse_file(legal_file(name).read_bytes(), name)
    assert [s.label for s in draft.sections if s.kind == "dieu"] == ["Điều 1", "Điều 2", "Điều 3"]
    clause = by_path(draft, "dieu:1/khoan:3")
    assert clause.text.startswith("Bổ sung Điều 19a như sau:")
    assert '"Điều 19a' in clause.text
    assert "Chính phủ quy định điều kiện, thủ tục chuyển đổi" in clause.text


def test_curly_quoted_articles_in_a_code_are_text() -> None:
    name = "bo-luat-lao-dong.txt"
    draft = parse_file(legal_file(name).read_bytes(), name)
    last = [s for s in draft.sections if s.kind == "dieu"][-1]
    assert last.number == "220"
    quoted = [s for s in draft.sections if "“Điều 54. Điều kiện hưởng lương hưu" in s.text]
    assert len(quoted) == 1
    assert quoted[0].kind == "diem"


# ---------------------------------------------------------------------------------------------
# Hand-written drafts


def test_law_outline() -> None:
    draft = parse_text(LAW)
    assert_tree(draft)
    assert draft.title == "LUẬT THỬ NGHIỆM CẤU TRÚC"
    assert outline(draft) == LAW_OUTLINE


def test_law_texts_and_numbers() -> None:
    draft = parse_text(LAW)
    preamble = draft.sections[0]
    assert preamble.text.startswith("Căn cứ Hiến pháp")
    assert "Quốc hội ban hành" in preamble.text
    point = by_path(draft, "phan:1/chuong:1/dieu:2/khoan:2/diem:đ")
    assert (point.kind, point.number, point.depth) == ("diem", "đ", 4)
    assert point.text == "Ý kiến qua đường bưu điện.\nÝ kiến phải được ghi nhận đầy đủ."
    clause = by_path(draft, "phan:1/chuong:1/dieu:2/khoan:2")
    assert clause.text == "Ý kiến gồm:"
    article = by_path(draft, "phan:1/chuong:1/dieu:2")
    assert article.text == "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:"
    assert by_path(draft, "phan:2").number == "2"
    assert by_path(draft, "phan:1/chuong:2").number == "2"


def test_law_quotation_stays_in_the_amending_clause() -> None:
    clause = by_path(parse_text(LAW), "phan:2/chuong:3/dieu:5/khoan:1")
    assert clause.text.splitlines() == [
        "Điều 10 của Luật Ví dụ được sửa đổi như sau:",
        "“Điều 10. Quyền khác",
        "1. Khoản được trích dẫn.",
        "a) Điểm được trích dẫn.”",
    ]


def test_decomposed_input_is_composed() -> None:
    draft = parse_text(unicodedata.normalize("NFD", LAW))
    assert outline(draft) == LAW_OUTLINE
    assert draft.title == "LUẬT THỬ NGHIỆM CẤU TRÚC"


def test_law_as_markdown() -> None:
    draft = parse_file(to_markdown(LAW).encode(), "luat.md")
    assert outline(draft) == LAW_OUTLINE
    assert draft.title == "LUẬT THỬ NGHIỆM CẤU TRÚC"


def test_law_as_docx_with_heading_styles() -> None:
    draft = parse_file(to_docx(LAW), "luat.docx")
    assert outline(draft) == LAW_OUTLINE
    assert draft.title == "LUẬT THỬ NGHIỆM CẤU TRÚC"
    last = by_path(draft, "phan:2/chuong:3/dieu:6")
    assert last.text.splitlines() == [
        "Luật này có hiệu lực từ ngày 01 tháng 01 năm 2026.",
        "Mốc thời gian",
        "01/01/2026",
        "Đoạn sau bảng.",
    ]


def test_report_outline() -> None:
    draft = parse_text(REPORT)
    assert_tree(draft)
    assert draft.title == "BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ KHỐI KHOÁ XV"
    assert outline(draft) == REPORT_OUTLINE


def test_report_texts() -> None:
    draft = parse_text(REPORT)
    assert draft.sections[0].text.splitlines() == [
        "Đại hội đại biểu Đảng bộ Khối lần thứ XVI diễn ra khi cả nước thực hiện Nghị quyết.",
        "Chủ đề của Đại hội: Xây dựng Đảng bộ Khối trong sạch, vững mạnh.",
    ]
    item = by_path(draft, "phan:1/muc:1")
    assert item.text == "Công tác giáo dục chính trị, tư tưởng được quan tâm thực hiện."
    point = by_path(draft, "phan:1/muc:1/diem:a")
    # A plain paragraph after dash paragraphs belongs to the section that holds them.
    assert point.text.splitlines() == [
        "Việc học tập, quán triệt nghị quyết",
        "Nhìn chung, chất lượng học tập nghị quyết được nâng lên.",
    ]
    dash = by_path(draft, "phan:1/muc:1/diem:a/doan:1")
    assert (dash.kind, dash.number) == ("doan", "1")
    assert dash.text == "Tổ chức 12 hội nghị quán triệt cho 3.500 đảng viên."


def test_report_as_markdown() -> None:
    draft = parse_file(to_markdown(REPORT).encode(), "bao-cao.md")
    assert outline(draft) == REPORT_OUTLINE
    assert draft.title == "BÁO CÁO CHÍNH TRỊ CỦA BAN CHẤP HÀNH ĐẢNG BỘ KHỐI KHOÁ XV"


def test_report_as_docx() -> None:
    draft = parse_file(to_docx(REPORT), "bao-cao.docx")
    assert outline(draft) == REPORT_OUTLINE
    assert by_path(draft, "phan:2/muc:3").text.splitlines() == [
        "Mốc thời gian",
        "01/01/2026",
        "Đoạn sau bảng.",
    ]


def test_markdown_headings_with_hashes_and_bold() -> None:
    text = (
        "# Dự thảo quy chế\n\n## **Chương 1: Quy định chung**\n\n**Điều 1.** Phạm vi\n\n1\\. Một.\n"
    )
    draft = parse_file(text.encode(), "quy-che.md")
    assert draft.title == "Dự thảo quy chế"
    assert outline(draft) == [
        ("Chương 1", "chuong:1", "Quy định chung"),
        ("Điều 1", "chuong:1/dieu:1", "Phạm vi"),
        ("Khoản 1 Điều 1", "chuong:1/dieu:1/khoan:1", ""),
    ]


def test_plain_title_line_and_upper_case_headings() -> None:
    text = "Quy chế góp ý dự thảo\nCHƯƠNG 1\nQuy định chung\nĐIỀU 1 PHẠM VI\nNội dung.\n"
    draft = parse_text(text)
    assert draft.title == "Quy chế góp ý dự thảo"
    assert outline(draft) == [
        ("Chương 1", "chuong:1", "Quy định chung"),
        ("Điều 1", "chuong:1/dieu:1", "PHẠM VI"),
    ]


def test_repeated_numbers_get_distinct_paths() -> None:
    draft = parse_text("Điều 1. Một\nĐiều 1. Lặp lại\n")
    assert [s.path for s in draft.sections] == ["dieu:1", "dieu:1~2"]
    assert [s.number for s in draft.sections] == ["1", "1"]


def test_wrapped_sentence_starting_with_dieu_is_text() -> None:
    draft = parse_text("Điều 1. Vay\n1. Theo điểm a khoản 2\nĐiều 11 của Luật này.\nĐiều 2. Khác\n")
    assert [s.label for s in draft.sections] == ["Điều 1", "Khoản 1 Điều 1", "Điều 2"]
    assert draft.sections[1].text == "Theo điểm a khoản 2\nĐiều 11 của Luật này."


def test_utf8_and_utf16_with_bom() -> None:
    text = "Điều 1. Một\nNội dung.\n"
    for data in ("\ufeff" + text).encode("utf-8"), text.encode("utf-16"):
        draft = parse_file(data, "luat.txt")
        assert [s.heading for s in draft.sections] == ["Một"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("XIV", "14"),
        ("thứ nhất", "1"),
        ("thứ tư", "4"),
        ("thứ mười", "10"),
        ("thứ mười lăm", "15"),
        ("thứ hai mươi mốt", "21"),
        ("05", "5"),
        ("1.1", "1.1"),
        ("19A", "19a"),
        ("đ", "đ"),
        ("IIII", None),
        ("thứ gì", None),
    ],
)
def test_normalise_number(raw: str, expected: str | None) -> None:
    assert normalise_number(raw) == expected


# ---------------------------------------------------------------------------------------------
# Bad input


def assert_refused(code: str, data: bytes, filename: str, **kwargs: int) -> None:
    with pytest.raises(DraftParseError) as caught:
        parse_file(data, filename, **kwargs)
    error = caught.value
    assert error.code == code
    assert filename in error.message_vi
    assert filename in error.message_en
    assert error.message_vi != error.message_en


def test_empty_files() -> None:
    assert_refused("empty", b"", "trong.txt")
    assert_refused("empty", b" \n\t\n", "trong.txt")
    assert_refused("empty", "\ufeff\n".encode(), "trong.md")


def test_binary_and_undecodable_files() -> None:
    assert_refused("not_text", bytes(range(256)) * 4, "nhi-phan.txt")
    windows_1258 = b"\xd0i\xea\xccu 1. M\xf4\xf2t"  # "Điều 1. Một" in the legacy encoding
    assert_refused("not_text", windows_1258, "cu.txt")
    assert_refused("not_text", b"\x89PNG\r\n\x1a\n" + bytes(64), "anh.md")


def test_too_large() -> None:
    assert_refused("too_large", b"a" * 1001, "lon.txt", max_bytes=1000)


def test_unsupported_extensions() -> None:
    for name in ("du-thao.pdf", "du-thao.doc", "du-thao"):
        assert_refused("unsupported_format", "Điều 1.".encode(), name)


def test_broken_docx() -> None:
    assert_refused("bad_docx", b"PK\x03\x04 not really a zip", "hong.docx")
    assert_refused("bad_docx", to_docx(LAW)[:2000], "cat-cut.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    assert_refused("bad_docx", buffer.getvalue(), "khong-phai-word.docx")


def test_zip_bomb_is_refused_before_unpacking() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * 8_000_000)
    data = buffer.getvalue()
    assert len(data) < 100_000
    assert_refused("bad_docx", data, "bom.docx")
    assert_refused("bad_docx", data, "bom.docx", max_bytes=500_000)


def test_no_structure() -> None:
    text = "Ý kiến về dự thảo\n\nTôi đồng ý với dự thảo. Đề nghị bổ sung thêm nội dung.\n"
    assert_refused("no_structure", text.encode(), "y-kien.txt")
    with pytest.raises(DraftParseError) as caught:
        parse_text("LỜI NÓI ĐẦU\nChỉ có lời nói đầu.")
    assert caught.value.code == "no_structure"


def test_a_docx_needing_a_newer_zip_version_is_refused_as_a_broken_file() -> None:
    data = bytearray(to_docx(LAW))
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (64).to_bytes(2, "little")  # "needs zip version 6.4"
    with pytest.raises(DraftParseError) as refused:
        parse_file(bytes(data), "luat.docx")
    assert refused.value.code == "bad_docx"
