"""clean_report: scraping noise out, every content line kept as written."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import shared_data
from ykien.events.clean import Removed, clean_report

REPORTS = Path(__file__).parent / "reports"

NOISY = """Hội nghị lấy ý kiến góp ý dự thảo văn kiện
(Baonghean) - Sáng 15/3, Đảng ủy Khối tổ chức hội nghị.
Chia sẻ | Facebook | Twitter | In bài
2031456_hoi-nghi-lay-y-kien.jpg
Các đại biểu dự hội nghị
Hội nghị đã nghe 12 ý kiến.
Đồng chí Nguyễn Văn A phát biểu tại hội nghị. Ảnh: Văn Bình
Tin liên quan
Hội nghị tổng kết năm 2016
Đối thoại với công nhân khu công nghiệp
Nguồn :
Từ khóa: hội nghị, góp ý
Hội nghị kết thúc lúc 11 giờ cùng ngày. Thu Hà (TTXVN)
"""


def test_noise_is_removed_with_its_reason() -> None:
    text, removed = clean_report(NOISY)
    assert text.split("\n") == [
        "Hội nghị lấy ý kiến góp ý dự thảo văn kiện",
        "Sáng 15/3, Đảng ủy Khối tổ chức hội nghị.",
        "Hội nghị đã nghe 12 ý kiến.",
        "Hội nghị kết thúc lúc 11 giờ cùng ngày.",
    ]
    assert removed == [
        Removed("share_widget", "Chia sẻ | Facebook | Twitter | In bài"),
        Removed("photo_caption", "2031456_hoi-nghi-lay-y-kien.jpg"),
        Removed("photo_caption", "Các đại biểu dự hội nghị"),
        Removed("photo_caption", "Đồng chí Nguyễn Văn A phát biểu tại hội nghị. Ảnh: Văn Bình"),
        Removed("related_headlines", "Tin liên quan"),
        Removed("related_headlines", "Hội nghị tổng kết năm 2016"),
        Removed("related_headlines", "Đối thoại với công nhân khu công nghiệp"),
        Removed("empty_source", "Nguồn :"),
        Removed("tags", "Từ khóa: hội nghị, góp ý"),
        Removed("outlet_tag", "(Baonghean) -"),
        Removed("byline", "Thu Hà (TTXVN)"),
    ]


def test_clean_text_is_nfc_and_keeps_tone_placement() -> None:
    text, removed = clean_report("Hoa\u0300 bi\u0300nh\r\nĐảng uỷ   Khối.")
    assert text == "Hoà bình\nĐảng uỷ Khối."
    assert removed == []


def test_a_title_starting_with_a_code_is_not_an_outlet_tag() -> None:
    text, removed = clean_report("TP.HCM - Hà Nội: hội nghị\nTTO - Sáng nay hội nghị khai mạc.")
    assert text == "TP.HCM - Hà Nội: hội nghị\nSáng nay hội nghị khai mạc."
    assert removed == [Removed("outlet_tag", "TTO -")]


_SENTENCE = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(
        st.sampled_from(["đảng", "ủy", "hội", "nghị", "góp", "ý", "kiến", "dự", "thảo", "khối"]),
        min_size=4,
        max_size=12,
    ),
    st.sampled_from([".", ";", "!"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_SENTENCE, min_size=2, max_size=8))
def test_content_lines_are_never_lost(lines: list[str]) -> None:
    text, removed = clean_report("\n".join(lines))
    assert text.split("\n") == lines
    assert removed == []


def test_real_articles_lose_only_short_noise() -> None:
    folder = shared_data("vn-news", "data")
    for path in sorted(folder.glob("*.txt"))[:200]:
        raw = path.read_text(encoding="utf-8")
        text, removed = clean_report(raw)
        removed_words = sum(len(r.text.split()) for r in removed)
        assert len(text.split()) + removed_words == len(raw.split()), path.name
        assert all(len(r.text.split()) <= 12 for r in removed if r.reason == "byline"), path.name


def test_own_reports_keep_their_body() -> None:
    raw = (REPORTS / "news_joint_seminar.txt").read_text(encoding="utf-8")
    text, removed = clean_report(raw)
    assert [r.reason for r in removed] == ["share_widget", "outlet_tag", "byline"]
    assert "Các ý kiến tập trung vào các vấn đề:" in text
