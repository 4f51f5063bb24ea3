"""split_submission: a comment letter becomes its opinions, anchored to the sections they name."""

from __future__ import annotations

from pathlib import Path

from ykien.events.submissions.split import SubmissionItem, split_submission

LETTER = (Path(__file__).parent / "reports" / "submission_letter.txt").read_text(encoding="utf-8")


def summary(item: SubmissionItem) -> tuple[str, tuple[str, ...], str | None]:
    return item.text, item.references, item.proposed_wording


def test_letter_is_split_into_its_opinions() -> None:
    items = split_submission(LETTER)
    for item in items:
        assert LETTER[item.start : item.end] == item.text
    assert [summary(item) for item in items] == [
        (
            "Tại khoản 2 Điều 5, đề nghị sửa thành: “Thanh niên có quyền tham gia góp ý xây dựng "
            "chính sách”.",
            ("khoản 2 Điều 5",),
            "Thanh niên có quyền tham gia góp ý xây dựng chính sách",
        ),
        (
            "Đối với mục 3 phần II, đề nghị làm rõ trách nhiệm của cơ quan chủ trì.",
            ("mục 3 phần II",),
            None,
        ),
        (
            "Đề nghị bổ sung cụm từ như sau:\n“và các tổ chức chính trị - xã hội”.",
            ("Điều 7",),
            "và các tổ chức chính trị - xã hội",
        ),
        (
            "Điểm b khoản 1 Điều 7 nên thay cụm từ “hỗ trợ” bằng “bảo đảm”.",
            ("Điểm b khoản 1 Điều 7",),
            "bảo đảm",
        ),
        (
            "Đề nghị Ban soạn thảo rà soát lại toàn bộ dự thảo để bảo đảm thống nhất với Luật "
            "Giáo dục.",
            (),
            None,
        ),
    ]


def test_paragraph_letter_without_numbering() -> None:
    text = (
        "Kính gửi: Ban soạn thảo\n"
        "Tại Điều 3, đề nghị sửa lại như sau: quy định rõ thời hạn trả lời là 15 ngày.\n"
        "Đối với khoản 1 Điều 9, chúng tôi thống nhất với dự thảo.\n"
        "Trân trọng."
    )
    items = split_submission(text)
    assert [summary(item) for item in items] == [
        (
            "Tại Điều 3, đề nghị sửa lại như sau: quy định rõ thời hạn trả lời là 15 ngày.",
            ("Điều 3",),
            "quy định rõ thời hạn trả lời là 15 ngày",
        ),
        ("Đối với khoản 1 Điều 9, chúng tôi thống nhất với dự thảo.", ("khoản 1 Điều 9",), None),
    ]


def test_empty_letter_has_no_opinions() -> None:
    assert split_submission("") == []
    assert split_submission("Kính gửi: Ủy ban\nTrân trọng.") == []
