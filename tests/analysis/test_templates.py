"""Spun-template campaigns: copies with alternatives at every phrase are one campaign."""

from __future__ import annotations

import random

from ykien.analysis import dedupe, templates

SLOTS_A = [
    ["Tôi đề nghị", "Tôi kiến nghị", "Chúng tôi mong"], ["Ban soạn thảo", "cơ quan soạn thảo"],
    ["bỏ", "lược bỏ", "xem xét lại"], ["quy định thu phí", "việc thu phí", "khoản phí"],
    ["sử dụng đường cao tốc", "đi cao tốc", "qua trạm cao tốc"], ["vì", "do"],
    ["người dân đang gặp nhiều khó khăn", "đời sống bà con còn khó khăn"], ["."],
]  # fmt: skip
SLOTS_B = [
    ["I ask", "I urge", "We call on"], ["the agency", "the council"],
    ["to drop", "to withdraw", "to rethink"], ["the plan to close", "the closure of"],
    ["rural schools", "small village schools", "country schools"], ["because", "since"],
    ["families are already struggling", "children would travel far"], ["."],
]  # fmt: skip


def _copies(slots: list[list[str]], count: int, rng: random.Random) -> list[str]:
    return [" ".join(rng.choice(s) for s in slots).replace(" .", ".") for _ in range(count)]


def _unrelated(count: int, rng: random.Random) -> list[str]:
    letters = "abcdeghiklmnopqrstuvxy"
    return [
        " ".join("".join(rng.choice(letters) for _ in range(6)) for _ in range(20))
        for _ in range(count)
    ]


def test_copies_of_two_spun_templates_are_two_campaigns() -> None:
    rng = random.Random(3)
    texts = _copies(SLOTS_A, 120, rng) + _copies(SLOTS_B, 80, rng) + _unrelated(200, rng)
    items = list(enumerate(texts))
    found = dedupe.find_duplicates(items, with_templates=True)
    big = [set(g.member_ids) for g in found if len(g.member_ids) >= 20]
    assert len(big) == 2
    first, second = sorted(big, key=min)
    assert len(first & set(range(120))) >= 114 and first <= set(range(120))
    assert len(second & set(range(120, 200))) >= 76 and second <= set(range(120, 200))
    assert all(g.template for g in found if len(g.member_ids) >= 20)


def test_template_slots_list_the_alternatives_with_counts() -> None:
    canonical = "Tôi đề nghị Ban soạn thảo bỏ quy định thu phí cao tốc"
    variants = [
        "Tôi kiến nghị Ban soạn thảo bỏ quy định thu phí cao tốc",
        "Tôi kiến nghị Ban soạn thảo lược bỏ quy định thu phí cao tốc",
        "Tôi mong muốn Ban soạn thảo bỏ quy định thu phí cao tốc",
    ]
    slots = templates.template_slots(canonical, variants)
    varying = [dict(s.alternatives) for s in slots if not s.fixed]
    assert {"kiến nghị": 2, "mong muốn": 1} in varying or {"kiến": 2, "mong muốn": 1} in varying
    assert any(s.fixed and s.alternatives[0][0].startswith("Ban soạn thảo") for s in slots)
