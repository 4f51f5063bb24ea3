"""Frame sentences, reporting leads and the facts a cited opinion must give."""

from __future__ import annotations

import pytest

from ykien.analysis.frames import facts, gives_facts, is_frame, strip_lead


@pytest.mark.parametrize(
    "sentence",
    [
        "Xin cảm ơn.",
        "Trân trọng.",
        "Tôi hoàn toàn nhất trí với dự thảo.",
        "Đây là vấn đề được nhiều đảng viên trong chi bộ quan tâm.",
        "Ý kiến này đã được thống nhất tại buổi sinh hoạt chi bộ thường kỳ.",
        "Đề nghị Tiểu ban Văn kiện nghiên cứu, tiếp thu.",
        "Thank you for your consideration.",
    ],
)
def test_courtesy_agreement_and_procedure_are_frames(sentence: str) -> None:
    assert is_frame(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Đề nghị bổ sung số liệu về cải cách hành chính.",
        "Tôi không đồng ý bỏ Điều 5.",
        "thầy dạy nhiệt tình .",
        "The minimum wage should rise to $15.",
    ],
)
def test_content_sentences_are_not_frames(sentence: str) -> None:
    assert not is_frame(sentence)


def test_reporting_leads_are_cut() -> None:
    assert strip_lead("Theo tôi, cần sớm ban hành quy chế.") == "Cần sớm ban hành quy chế."
    assert strip_lead("Chúng tôi, đoàn viên thanh niên, đề nghị sửa chỉ tiêu.") == (
        "Đề nghị sửa chỉ tiêu."
    )
    assert strip_lead("I think that the minimum wage should rise.") == (
        "The minimum wage should rise."
    )
    assert strip_lead("Tôi thấy ổn.") == "Tôi thấy ổn."  # too little would be left


def test_a_cited_text_must_give_the_numbers_and_names() -> None:
    needed = facts("Tỷ lệ ở Hà Nội đạt 1.000 người, 15% vào năm 2025.")
    assert needed.numbers == {"1000", "15", "2025"} and "hà nội" in needed.names
    assert gives_facts(needed, "Ở Ha Noi, 15% và 1000 người năm 2025.")
    assert not gives_facts(needed, "Ở Hà Nội, 20% và 1000 người năm 2025.")
    assert not gives_facts(needed, "Ở Đà Nẵng, 15% và 1000 người năm 2025.")
