"""Self-check of the demo opinion generator."""

from __future__ import annotations

import random
import unicodedata

from ykien.demo.opinions import KINDS, DemoOpinion, generate_opinions, strip_diacritics

REFS = ["Phần I", "Mục 1 Phần I", "Mục 2 Phần I", "Phần III", "Điều 5", "Khoản 2 Điều 5"]


def _generate(seed: int, count: int = 600) -> list[DemoOpinion]:
    return generate_opinions(random.Random(seed), count=count, section_refs=REFS)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = strip_diacritics(text).lower().split()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def test_same_seed_gives_same_opinions() -> None:
    assert _generate(7) == _generate(7)
    assert _generate(7) != _generate(8)


def test_count_and_every_kind_appear() -> None:
    opinions = _generate(1)
    assert len(opinions) == 600
    assert {opinion.kind for opinion in opinions} == set(KINDS)


def test_general_share_is_about_fifteen_percent() -> None:
    general = sum(opinion.section_ref is None for opinion in _generate(2))
    assert 50 <= general <= 140


def test_amend_and_add_have_proposed_wording() -> None:
    for opinion in _generate(3):
        if opinion.kind in {"amend", "add"}:
            assert opinion.proposed_wording
        assert opinion.quote is None


def test_campaigns_of_near_duplicates_exist() -> None:
    shingles = [_shingles(opinion.text) for opinion in _generate(4)]
    groups: list[list[int]] = []
    for index, current in enumerate(shingles):
        for group in groups:
            first = shingles[group[0]]
            if current and len(current & first) / len(current | first) >= 0.5:
                group.append(index)
                break
        else:
            groups.append([index])
    assert sum(len(group) >= 10 for group in groups) >= 3


def test_all_text_is_nfc_and_some_is_typed_differently() -> None:
    opinions = _generate(5)
    for opinion in opinions:
        fields = [opinion.text, opinion.author_name, opinion.author_title]
        fields += [opinion.section_ref or "", opinion.proposed_wording or ""]
        assert all(unicodedata.is_normalized("NFC", value) for value in fields)
    assert any(opinion.text.isascii() for opinion in opinions)
    assert any("uỷ" in opinion.text or "hoà" in opinion.text for opinion in opinions)


def test_small_and_empty_inputs() -> None:
    assert generate_opinions(random.Random(0), count=0, section_refs=REFS) == []
    few = generate_opinions(random.Random(0), count=5, section_refs=[])
    assert len(few) == 5
    assert all(opinion.section_ref is None for opinion in few)
