import unicodedata

import pytest

from ykien import text as vt


def test_nfc_and_clean_remove_controls_and_unify_newlines() -> None:
    decomposed = unicodedata.normalize("NFD", "Đảng ủy")
    assert vt.clean(f"  {decomposed}\x00\u200b\r\nabc\x1b ") == "Đảng ủy\nabc"


def test_tone_key_equates_both_tone_placements_but_not_different_tones() -> None:
    assert vt.tone_key("hoà bình") == vt.tone_key("hòa bình")
    assert vt.tone_key("Đảng uỷ") == vt.tone_key("Đảng ủy")
    assert vt.tone_key("thuỷ") == vt.tone_key("thủy")
    assert vt.tone_key("hoà") != vt.tone_key("hoá")
    assert vt.tone_key(unicodedata.normalize("NFD", "khoẻ")) == vt.tone_key("khỏe")


def test_fold_removes_all_diacritics() -> None:
    assert vt.fold("Nguyễn Doãn Hoàn") == "nguyen doan hoan"
    assert vt.fold("Đảng ủy") == vt.fold("Đảng uỷ") == "dang uy"
    assert vt.name_key("  Công   đoàn ") == "cong doan"


def test_vietnamese_alphabetical_order() -> None:
    words = ["đa", "dê", "ăn", "an", "ân", "bé", "ba", "bà", "bả", "bã", "bá", "bạ"]
    assert sorted(words, key=vt.sort_key) == [
        "an", "ăn", "ân", "ba", "bà", "bả", "bã", "bá", "bạ", "bé", "dê", "đa",
    ]  # fmt: skip


def test_person_names_sort_by_given_name_first() -> None:
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Ánh", "Đỗ Văn An"]
    ordered = sorted(names, key=vt.person_sort_key)
    assert ordered == ["Đỗ Văn An", "Nguyễn Thị An", "Lê Ánh", "Trần Văn Bình"]


@pytest.mark.parametrize(
    ("written", "classic"),
    [
        ("hoà", "hòa"),
        ("Hoà bình", "Hòa bình"),
        ("Uỷ ban", "Ủy ban"),
        ("Thành uỷ viên", "Thành ủy viên"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ", "khỏe"),
        ("hòa", "hòa"),
        ("quý", "quý"),  # after q the u belongs to the consonant
        ("quả", "quả"),
        ("hoàng", "hoàng"),  # closed syllables have one spelling
        ("khuyến", "khuyến"),
    ],
)
def test_classic_tones_gives_one_spelling(written: str, classic: str) -> None:
    assert vt.classic_tones(written) == classic
    assert vt.classic_tones(unicodedata.normalize("NFD", written)) == classic
