"""The claim check before two near-copies join: numbers, negation, opposites, claim words."""

from __future__ import annotations

import pytest

from ykien.analysis import claims, dedupe
from ykien.analysis.textpipe import analysis_key


def _reason(a: str, b: str) -> str | None:
    return claims.reason(analysis_key(a), analysis_key(b))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Mức phạt 5 triệu đồng là quá cao với người dân", "Mức phạt 1 triệu đồng là quá cao với người dân", "numbers differ"),
        ("Mức phạt 5 triệu đồng là hợp lý", "Mức phạt 5 tỷ đồng là hợp lý", "numbers differ"),
        ("Tôi đồng ý với quy định về giờ làm việc", "Tôi không đồng ý với quy định về giờ làm việc", "negation differs"),
        ("The new rule is fair to small shops", "The new rule is not fair to small shops", "negation differs"),
        ("I think it does work for small shops", "I think it doesn't work for small shops", "negation differs"),
        ("Nên tăng mức phụ cấp cho cán bộ xã", "Nên giảm mức phụ cấp cho cán bộ xã", "opposite words"),
        ("We should argue for full equality for everyone", "We should argue against full equality for everyone", "opposite words"),
        ("Housing in the city should be affordable for families", "Housing in the city should be unaffordable for families", "claim word differs"),
        ("Cannabis should be legal for medical use", "Cannabis should be legal for recreational use", "claim word differs"),
        ("Build the new library in the city centre", "Build the new library in the town centre", "claim word differs"),
    ],
)  # fmt: skip
def test_claim_changing_word_keeps_texts_apart(a: str, b: str, expected: str) -> None:
    assert _reason(a, b) == expected
    assert dedupe.find_duplicates([(1, a), (2, b)], threshold=0.3) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tôi đồng ý với quy định về giờ làm việc", "tôi đồng ý với quy định về giờ làm viêc"),
        ("Tôi đồng ý với quy định về giờ làm việc", "Toi dong y voi quy dinh ve gio lam viec"),
        ("Cuối cùng kẻ sát nhân cũng phải đền tội!", "cuối cùng kẻ sát nhân cũng phải đền tội..."),
        (
            "Nhiều người đã nghỉ việc vì thu nhập thấp",
            "Không ít người đã nghỉ việc vì thu nhập thấp",
        ),
    ],
)
def test_same_claim_still_joins(a: str, b: str) -> None:
    assert _reason(a, b) is None


def test_misspelt_number_in_a_long_text_is_the_same_claim() -> None:
    body = " ".join(["đề nghị bổ sung quy định về trách nhiệm của người đứng đầu cơ quan"] * 3)
    assert claims.diff_code(f"{body} trong 180 ngày", f"{body} trong 1180 ngày") == 0
    assert claims.diff_code("trong 180 ngày", "trong 1180 ngày") == 1


def test_a_substitution_many_pairs_share_is_a_campaign_slot() -> None:
    a, b = "tôi đề nghị bỏ phí đi cao tốc", "tôi đề nghị bỏ phí qua trạm cao tốc"
    known = claims.substitutions([a, b] * 3, [0, 2, 4], [1, 3, 5])
    assert claims.claim_word_changed(a, b)
    assert not claims.claim_word_changed(a, b, known)


def test_each_member_has_the_reason_it_joined() -> None:
    text = "Đề nghị bổ sung quy định về trách nhiệm của người đứng đầu cơ quan trong tiếp dân"
    groups = dedupe.find_duplicates([(1, text), (2, text.upper()), (3, text + " Xin cảm ơn.")])
    assert len(groups) == 1
    reasons = groups[0].reasons
    assert reasons[1] == reasons[2] == "exact copy"
    assert reasons[3].startswith("near copy: word-pair Jaccard")
