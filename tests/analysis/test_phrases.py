"""Key phrases: noun phrases from the tagger, no fragments or generic words, seeded by terms."""

from __future__ import annotations

from ykien.analysis.phrases import PhraseTable, choose, occurrences


def keys(sentence: str) -> set[str]:
    return {" ".join(found.key) for found in occurrences(sentence)}


def test_vietnamese_phrases_are_noun_phrases_of_two_syllables_or_more() -> None:
    found = keys("Đề nghị bổ sung nội dung về cải cách hành chính ở cơ sở.")
    assert "cải cách hành chính" in found
    assert "đề nghị" not in found and "bổ sung" not in found  # verbs, not noun phrases
    assert not any(len(k.split()) < 2 for k in found)  # no single syllable ("số", "bỏ")


def test_english_phrases_skip_contractions_function_and_generic_words() -> None:
    found = keys("We don't need to live with the minimum wage; it doesn't help small businesses.")
    assert "minimum wage" in found and "small businesses" in found
    assert not found & {"don", "t", "doesn", "need", "live", "help"}


def test_vietnamese_without_diacritics_gives_no_phrase() -> None:
    assert keys("de nghi bo sung noi dung ve cai cach hanh chinh") == set()


def test_seeds_expand_to_the_commonest_longest_phrase() -> None:
    table = PhraseTable()
    for text in [
        "Cần đẩy mạnh cải cách hành chính.",
        "Cải cách hành chính còn chậm.",
        "Thủ tục hành chính rườm rà, cần cải cách hành chính.",
    ]:
        table.add_opinion([text])
    assert choose(table, ["hành_chính", "rườm_rà"], opinions=3, most=3)[0] == "cải cách hành chính"
